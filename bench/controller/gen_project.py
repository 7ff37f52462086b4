#!/usr/bin/env python3
"""Writes a streamform project for the controller benchmark (bench/controller/run.sh).

    gen_project.py DIR PAIRS [--shards-of INDEX=COUNT]

DIR gets streamform.yaml (stages bench and apply) and one template, stacks/load.yaml, with
PAIRS groups of: a single-shard Kinesis stream and an S3 bucket. Every group is wired the way
users write it: the stream's Name is a !Sub of the stage, the bucket's BucketName a !Sub that
refers to the stream (!Ref) and the stage, the bucket is tagged with its stream's Arn
(!GetAtt) and name (!Ref), and the stream is tagged with the stage (!Ref). So 2 x PAIRS
resources, PAIRS GetAtt and 2 x PAIRS Ref edges. An output exports the first stream's Arn.
--shards-of 7=2 gives stream 7 two shards (the one-change plan).
"""
import argparse
import os

parser = argparse.ArgumentParser()
parser.add_argument("dir")
parser.add_argument("pairs", type=int)
parser.add_argument("--shards-of", action="append", default=[])
args = parser.parse_args()

shards = {}
for spec in args.shards_of:
    index, count = spec.split("=")
    shards[int(index)] = int(count)

os.makedirs(os.path.join(args.dir, "stacks"), exist_ok=True)
with open(os.path.join(args.dir, "streamform.yaml"), "w") as f:
    f.write(f"""project: ctlbench
description: Controller benchmark, {args.pairs} streams and {args.pairs} buckets.
defaults:
  stage: bench
  region: us-east-1
stacks:
  - name: load
    template: stacks/load.yaml
stages:
  bench:
    commonParameters: {{Stage: bench}}
  apply:
    commonParameters: {{Stage: apply}}
""")

out = ["AWSTemplateFormatVersion: \"2010-09-09\"",
       f"Description: {args.pairs} single-shard streams, each with a bucket tagged with its Arn.",
       "",
       "Parameters:",
       "  Stage:",
       "    Type: String",
       "",
       "Resources:"]
for i in range(args.pairs):
    out += [
        f"  Stream{i:04d}:",
        "    Type: AWS::Kinesis::Stream",
        "    Properties:",
        f"      Name: !Sub \"ctl-${{Stage}}-events-{i:04d}\"",
        f"      ShardCount: {shards.get(i, 1)}",
        "      RetentionPeriodHours: 24",
        "      Tags:",
        "        - Key: stage",
        "          Value: !Ref Stage",
        f"  Bucket{i:04d}:",
        "    Type: AWS::S3::Bucket",
        "    Properties:",
        f"      BucketName: !Sub \"${{Stream{i:04d}}}-archive\"",
        "      Tags:",
        "        - Key: source-stream-arn",
        f"          Value: !GetAtt Stream{i:04d}.Arn",
        "        - Key: source-stream",
        f"          Value: !Ref Stream{i:04d}",
        "        - Key: stage",
        "          Value: !Sub \"${Stage}\"",
    ]
if args.pairs:
    out += ["",
            "Outputs:",
            "  FirstStreamArn:",
            "    Value: !GetAtt Stream0000.Arn",
            "    Export:",
            "      Name: !Sub \"ctl-${Stage}-first-stream-arn\""]
with open(os.path.join(args.dir, "stacks", "load.yaml"), "w") as f:
    f.write("\n".join(out) + "\n")
