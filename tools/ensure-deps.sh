#!/usr/bin/env bash
# Installs the native pieces the project needs when they are missing (idempotent).
# libz3-4: the Z3 solver library bound by spec/Formal.Spec.Smt (Debian bookworm: 4.8.12).
set -uo pipefail
need=()
# Not `grep -q`: it exits at the first match, ldconfig gets SIGPIPE, and pipefail then
# reports the library missing.
ldconfig -p 2>/dev/null | grep 'libz3\.so\.4' >/dev/null || need+=(libz3-4)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing ${need[*]} ..." >&2
    (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}") >/dev/null 2>&1 \
      || { echo "error: could not install ${need[*]}; run: sudo apt-get install ${need[*]}" >&2; exit 1; }
  else
    echo "error: missing ${need[*]}; run: sudo apt-get install ${need[*]}" >&2; exit 1
  fi
fi
command -v dotnet >/dev/null || { echo "error: the .NET 10 SDK (dotnet) is not on PATH; see https://learn.microsoft.com/dotnet/core/install/linux-debian" >&2; exit 1; }
exit 0
