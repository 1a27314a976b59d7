#!/usr/bin/env bash
# Fetches ONNX Runtime's shared library from the npm package onnxruntime-node
# with `npm pack`, checks the tarball's sha256 and unpacks
# bin/napi-v6/linux/x64/libonnxruntime.so.1 into the cache directory.
# Usage: fetch-ort.sh VERSION SHA256 DEST_DIR
set -euo pipefail
version=$1 sha=$2 dest=$3
member=package/bin/napi-v6/linux/x64/libonnxruntime.so.1
if ! command -v npm >/dev/null; then
  echo "fetch-ort: npm is needed to fetch onnxruntime-node $version (install Node.js and npm)" >&2
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "fetch-ort: npm pack onnxruntime-node@$version" >&2
(cd "$work" && npm pack --silent "onnxruntime-node@$version" >/dev/null)
tgz="$work/onnxruntime-node-$version.tgz"
got=$(sha256sum "$tgz" | cut -d' ' -f1)
if [[ "$got" != "$sha" ]]; then
  echo "fetch-ort: sha256 mismatch for onnxruntime-node-$version.tgz: got $got, want $sha" >&2
  exit 1
fi
tar -xzf "$tgz" -C "$work" "$member"
mkdir -p "$dest"
install -m 0755 "$work/$member" "$dest/libonnxruntime.so.1.tmp"
mv "$dest/libonnxruntime.so.1.tmp" "$dest/libonnxruntime.so.1"
echo "$version $sha" > "$dest/VERSION"
echo "fetch-ort: installed $dest/libonnxruntime.so.1" >&2
