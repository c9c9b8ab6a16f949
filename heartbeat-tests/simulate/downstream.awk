# The actions of a transition graph (crm_simulate --save-graph) that wait,
# directly or through other actions, for an action whose label matches the
# regular expression `from`. Labels are OPERATION_KEY@NODE ("-" for a pseudo
# action), e.g. stonith-ctl2-reboot@ctl2, nova-evacuate_start_0@ctl1,
# galera_stop_0@-. Prints one label per line.
#
#   awk -v from='^stonith-cmp1-' -f downstream.awk graph.xml
#
# Relies on the graph's one-element-per-line layout, as crm_simulate writes it:
# <synapse>, then <action_set> with one action, then <inputs> with triggers.
function attr(line, name,   m) {
	if (!match(line, " " name "=\"[^\"]*\""))
		return ""
	m = substr(line, RSTART, RLENGTH)
	sub(/^[^"]*"/, "", m)
	sub(/"$/, "", m)
	return m
}
/<action_set>/ { in_set = 1; next }
/<\/action_set>/ { in_set = 0; next }
/<inputs>/ { in_inputs = 1 }
/<\/inputs>/ { in_inputs = 0 }
/<(rsc_op|pseudo_event|crm_event) / {
	id = attr($0, "id")
	if (in_set && cur == "") {
		cur = id
		node = attr($0, "on_node")
		label[id] = attr($0, "operation_key") "@" (node == "" ? "-" : node)
	} else if (in_inputs && cur != "") {
		n_in[cur]++
		input[cur, n_in[cur]] = id
	}
}
/<\/synapse>/ { cur = ""; in_inputs = 0 }
END {
	for (a in label)
		if (label[a] ~ from)
			src[a] = 1
	do {
		changed = 0
		for (a in label) {
			if (a in down)
				continue
			for (i = 1; i <= n_in[a]; i++) {
				b = input[a, i]
				if ((b in src) || (b in down)) {
					down[a] = 1
					changed = 1
					break
				}
			}
		}
	} while (changed)
	for (a in down)
		print label[a]
}
