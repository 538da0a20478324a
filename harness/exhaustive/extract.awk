# SPDX-License-Identifier: GPL-2.0
# extract.awk - print the named top-level functions (and static variables
# with an initializer) of a kernel C file as they are, in source order,
# after a prototype of each, for the harness to compile: no copy of the
# kernel's code is kept in the harness.
#   awk -v names="f1 f2 var" -f extract.awk core.c
# A definition starts at a line that begins with a type and names the
# function followed by "(" (or the variable followed by " ="); the line
# before is taken too when the type stands there alone. It ends at the
# next line that is "}" or "};". Every name must be found exactly once.
BEGIN {
	n = split(names, want, " ")
	for (i = 1; i <= n; i++)
		wanted[want[i]] = 1
}
{ line[NR] = $0 }
END {
	nout = 0
	inside = 0
	for (i = 1; i <= NR; i++) {
		if (inside) {
			body = body "\n" line[i]
			if (!sig_done) {
				sig = sig " " line[i]
				if (line[i] ~ /\)[ \t]*$/)
					sig_done = 1
			}
			if (line[i] ~ /^};?[ \t]*$/) {
				inside = 0
				out[++nout] = body "\n"
				proto[nout] = isvar ? varproto : sig ";"
			}
			continue
		}
		if (line[i] !~ /^[A-Za-z_]/ || line[i] ~ /;[ \t]*$/)
			continue
		for (f in wanted) {
			isvar = 0
			if (match(line[i], "(^|[ *])" f "\\(") || \
			    (isvar = match(line[i], "(^|[ *])" f " =[ \t]*\\{"))) {
				# a prototype spread over lines: skip it
				for (j = i; j <= NR && line[j] !~ /\)[ \t]*;?[ \t]*$/; j++)
					;
				if (!isvar && line[j] ~ /;[ \t]*$/)
					continue
				prev = line[i - 1]
				pre = ""
				if (prev ~ /^[A-Za-z_]/ && prev !~ /[;)}]$/ && prev !~ /\*\/$/ && prev !~ /^#/)
					pre = prev "\n"
				body = pre sprintf("#line %d \"%s\"\n", i, FILENAME) line[i]
				sig = pre line[i]
				gsub(/\n/, " ", sig)
				sig_done = (line[i] ~ /\)[ \t]*$/)
				if (isvar) {
					varproto = line[i]
					sub(/ =.*/, ";", varproto)
				}
				inside = 1
				found[f]++
				break
			}
		}
	}
	for (f in wanted) {
		if (found[f] != 1) {
			printf "extract.awk: %s defined %d times in %s\n", f, found[f], FILENAME > "/dev/stderr"
			exit 1
		}
	}
	print "/* prototypes */"
	for (i = 1; i <= nout; i++)
		print proto[i]
	print ""
	for (i = 1; i <= nout; i++)
		print out[i]
}
