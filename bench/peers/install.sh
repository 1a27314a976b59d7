#!/usr/bin/env bash
# Installs the peers' Debian packages when missing: python3-jieba,
# python3-sklearn and fasttext.
set -euo pipefail
missing=()
/usr/bin/python3 -c 'import jieba' 2>/dev/null || missing+=(python3-jieba)
/usr/bin/python3 -c 'import sklearn' 2>/dev/null || missing+=(python3-sklearn)
command -v fasttext >/dev/null || missing+=(fasttext)
command -v bc >/dev/null || missing+=(bc)
if ((${#missing[@]})); then
  echo "peers: installing ${missing[*]}" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
