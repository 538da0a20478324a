#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make doc-examples: the C examples of the livepatch documentation build.
# Every ".. code-block:: c" block of Documentation/livepatch/*.rst in the
# assembled tree is a whole module: each is written to its own directory
# of $BUILD/doc-examples as <rst name>-<block number>.c and built against
# the test kernel with W=1.  One result per example: it passes when it
# builds with no warning at all (compiler or modpost).  Other languages
# and "::" literal blocks are not C examples and are left alone.
. "$(dirname "$0")/lib.sh"
RESULT_FILE=${RESULT_FILE:-doc-examples}

need_tree
[ -f "$OBJ/Module.symvers" ] || die "no built test kernel in $OBJ: run 'make kernel' first"
WORK=$BUILD/doc-examples
rm -rf "$WORK"
mkdir -p "$WORK" "$LOGS" "$RESULTS"
rm -f "$RESULTS/$RESULT_FILE" "$LOGS"/doc-examples-*.log

# Writes $WORK/<rst name>-<n>/<rst name>-<n>.c and a Kbuild for each
# block, and prints "<name> <rst path> <line of the directive>" for each.
# The block's lines are copied as they are, after a #line directive: the
# compiler's messages name the rst file, its lines and columns.
python3 - "$TREE" "$WORK" > "$WORK/examples.txt" <<'EOF'
import glob
import os
import re
import sys

tree, work = sys.argv[1], sys.argv[2]
directive = re.compile(r'^(\s*)\.\.\s+(?:code-block|code|sourcecode)::\s*(\S*)\s*$')
option = re.compile(r'^\s+:[\w-]+:')


def indent(line):
    return len(line) - len(line.lstrip(' '))


for rst in sorted(glob.glob(os.path.join(tree, 'Documentation/livepatch/*.rst'))):
    with open(rst, encoding='utf-8') as f:
        raw = [l.rstrip('\n') for l in f]
    lines = [l.expandtabs(8) for l in raw]
    base = os.path.basename(rst)[:-len('.rst')]
    rel = os.path.relpath(rst, tree)
    n = 0
    i = 0
    while i < len(lines):
        m = directive.match(lines[i])
        if not m or m.group(2).lower() != 'c':
            i += 1
            continue
        start, level = i, indent(lines[i])
        i += 1
        while i < len(lines) and option.match(lines[i]) and indent(lines[i]) > level:
            i += 1
        body = []	# (rst line number, tab-expanded text)
        while i < len(lines) and (not lines[i].strip() or indent(lines[i]) > level):
            body.append((i + 1, lines[i]))
            i += 1
        while body and not body[0][1].strip():
            body.pop(0)
        while body and not body[-1][1].strip():
            body.pop()
        n += 1
        name = '%s-%d' % (base, n)
        d = os.path.join(work, name)
        os.makedirs(d)
        # The lines as the rst has them, indentation included, so that
        # the compiler's line and column point into the rst.
        text = ''
        if body:
            text = '#line %d "%s"\n' % (body[0][0], rst)
            text += ''.join(raw[n - 1] + '\n' for n, _ in body)
        with open(os.path.join(d, name + '.c'), 'w', encoding='utf-8') as f:
            f.write(text)
        with open(os.path.join(d, 'Kbuild'), 'w', encoding='utf-8') as f:
            f.write('obj-m := %s.o\n' % name)
        print(name, rel, start + 1)
EOF

fails=0
total=$(wc -l < "$WORK/examples.txt")
if [ "$total" = 0 ]; then
	echo "doc-examples: no '.. code-block:: c' example in Documentation/livepatch/*.rst"
	exit 0
fi
while read -r name rst line; do
	what="doc-examples: $rst:$line ($name.c) builds with W=1, no warning"
	log=$LOGS/doc-examples-$name.log
	if make -C "$OBJ" M="$WORK/$name" W=1 CC="$(kcc)" modules < /dev/null > "$log" 2>&1 &&
	   ! grep -qi 'warning:' "$log"; then
		record_check pass "$what"
	else
		record_check fail "$what" "$log"
		fails=$((fails + 1))
		# The compiler's and modpost's output, without make's chatter.
		grep -vE '^make(\[[0-9]+\])?: (Entering|Leaving) directory|^  [A-Z][A-Z0-9_]* ' "$log" |
			head -60 | sed 's/^/  /'
	fi
done < "$WORK/examples.txt"
echo "doc-examples: $((total - fails)) of $total examples build with W=1 and no warning"
[ "$fails" = 0 ]
