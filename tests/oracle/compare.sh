#!/bin/sh
# compare.sh - are two kdump outputs the same program?
#
#   compare.sh A.json B.json
#
# kdump prints one field or one record per line, already normalized (map
# ids as names, BTF ids resolved), so a plain unified diff is the whole
# comparison. Prints the diff and exits 1 if they differ, exits 0 silently
# if they are identical, 2 if a file is missing or unreadable.
set -u
if [ $# -ne 2 ]; then
	echo "usage: compare.sh A.json B.json" >&2
	exit 2
fi
for f in "$1" "$2"; do
	if [ ! -r "$f" ]; then
		echo "compare.sh: cannot read $f" >&2
		exit 2
	fi
done
diff -u --label "$1" --label "$2" "$1" "$2"
