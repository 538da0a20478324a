#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Reference model and random history generator of the livepatch model test.

The model is written from /work/shared/DESIGN.md sections 3 and 4,
Documentation/livepatch/replace-policies.rst, the upstream livepatch
documentation (livepatch.rst, cumulative-patches.rst, system-state.rst)
and Documentation/ABI/testing/sysfs-kernel-livepatch, and the series
v3 and v4 decisions (forced marks never taken back and set on every
sharer, the state-sharing and fold-in refusals, -EBUSY before validate()
for policies other than legacy; v4: shadow variables owned by their
state, kept under force, carriers of one id declared alike, lifecycle
states dropped across lines only through retire_states, accepted()
after the last step that can refuse): not from the kernel's C code. It predicts, for each operation of a history, the
errno, the patches in /sys/kernel/livepatch with their enabled and
transition files, the implementation a new call of each function runs,
the modules loaded, whether a task that should sleep in a function
does, and which state callbacks ran and how many shadow variables they
freed (system-state.rst section 5).

  model.py gen --seed S --steps N --plan P --expect E
      writes the plan the guest executes and the expected observations
  model.py check --plan P --expect E --obs O [--seed S]
      compares the guest's observations with the expectations; on the
      first divergence prints the history up to that step and exits 1
  model.py replay --plan P --expect E [--mutant NAME]...
      the expectations for an existing plan, under mutants if given
"""

import argparse
import random
import sys

# Functions: two in vmlinux, four in the target module klp_st_target.
FUNCS = ["c", "v", "f0", "f1", "f2", "f3"]
TARGET_FUNCS = {"f0", "f1", "f2", "f3"}
FUNC_BIT = {"c": 1, "v": 2, "f0": 4, "f1": 8, "f2": 16, "f3": 32}
FUNC_NAME = {"c": "vmlinux:cmdline_proc_show", "v": "vmlinux:version_proc_show",
             "f0": "klp_st_target:klp_st_f0", "f1": "klp_st_target:klp_st_f1",
             "f2": "klp_st_target:klp_st_f2", "f3": "klp_st_target:klp_st_f3"}
POOL = ["klp_st_p%02d" % i for i in range(16)]
TARGET = "klp_st_target"
HYBRID_MOD = "livepatch_hybrid_policy"
POLICIES = {"legacy", "replace_set", "tag", "hybrid"}
SUPERSEDES_MAX = 16

OK, EINVAL, EBUSY, ENOENT, EEXIST, ENODEV = "0", "EINVAL", "EBUSY", "ENOENT", "EEXIST", "ENODEV"

# The generator's scenarios (Gen.scenario_*), in turn.
SCENARIOS = ["deep", "share", "fold", "lp3", "kept", "life", "foreign", "forceshadow", "mixed",
             "omit"]

# A deliberately wrong model, to show that the recorded runs tell it
# apart (model.py replay --mutant NAME): each names a rule it drops.
MUTANTS = {"consistency", "state-share", "forced-pin", "forced-below", "tag-other-policies",
           "state-before-ebusy", "ebusy-first", "sleepers", "o-policy-check", "fold-in",
           "leave-taken-over", "state-drop", "shadow-foreign", "shadow-force", "mixed-carriers",
           "silent-drop", "accepted-early"}
MUTANT = set()


LAST_WHY = [""]


def why(rc, reason):
    """An errno, remembering the model's reason for the history."""
    LAST_WHY[0] = reason
    return rc


class Spec:
    """A patch module's load parameters, as the plan passes them."""

    def __init__(self, name):
        self.name = name
        self.policy = None        # None: the default policy (legacy)
        self.replace = False
        self.replace_set = 0
        self.supersedes = []
        self.tag = 0
        self.replaceable = False
        self.params = None        # None: default; "none", "team", "hybrid"
        self.params_size = 0
        self.funcs = set()
        self.states = {}          # id -> version
        self.life = set()         # ids of states with callbacks and shadow variables
        self.fail = 0             # id of the state whose pre_patch fails
        self.retire = []          # retire_states: lifecycle state ids it retires
        self.foreign = 0          # shadow id its code allocates without a state
        self.also = []            # replace_set's also_supersede (operator override)

    def args(self):
        a = []
        if self.policy is not None:
            a.append("policy=" + self.policy)
        if self.replace:
            a.append("replace=1")
        if self.replace_set:
            a.append("replace_set=%d" % self.replace_set)
        if self.supersedes:
            a.append("supersedes=" + ",".join(str(s) for s in self.supersedes))
        if self.tag:
            a.append("replace_tag=%d" % self.tag)
        if self.replaceable:
            a.append("replaceable=1")
        if self.params is not None:
            a.append("params=" + self.params)
        if self.params_size:
            a.append("params_size=%d" % self.params_size)
        a.append("funcs=%d" % sum(FUNC_BIT[f] for f in self.funcs))
        if self.states:
            ids = sorted(self.states)
            a.append("state_ids=" + ",".join(str(i) for i in ids))
            a.append("state_vers=" + ",".join(str(self.states[i]) for i in ids))
            if self.life & set(ids):
                a.append("state_life=" + ",".join("1" if i in self.life else "0" for i in ids))
            if self.fail:
                a.append("state_fail=%d" % self.fail)
        if self.retire:
            a.append("retire_states=" + ",".join(str(i) for i in self.retire))
        if self.foreign:
            a.append("foreign_id=%d" % self.foreign)
        if self.also:
            a.append("also_supersede=" + ",".join(str(i) for i in self.also))
        return a

    @property
    def pol(self):
        return "legacy" if self.policy is None else self.policy


class Patch:
    """A livepatch in the kernel's list (enabled, or in a transition)."""
    serial = 0

    def __init__(self, spec):
        Patch.serial += 1
        self.id = "%s#%d" % (spec.name, Patch.serial)   # one per load
        self.spec = spec
        self.name = spec.name
        self.enabled = True
        self.funcs = set(spec.funcs)
        self.forced = False       # marked by a forced transition


class Sleeper:
    def __init__(self, owner, func, impl, at_target):
        self.owner = owner        # patch module name, or TARGET
        self.func = func
        self.impl = impl          # Patch.id or "orig"
        self.at_target = at_target   # its patch state is the target's


class Transition:
    def __init__(self, patch, target, replaced, nops):
        self.patch = patch
        self.target = target      # "patched" or "unpatched"
        self.replaced = replaced  # R, decided when the patch was enabled
        self.nops = nops
        self.enabling = target == "patched"   # how it started
        self.forced = False       # forced, not reversed since (the marks stay)
        self.changing = []        # the patch's states entering (or leaving, a disable)
        self.dropped = []         # (replaced patch, state id) leaving with it


class Model:
    def __init__(self):
        self.patches = []         # the kernel's list, in enabling order
        self.trans = None
        self.sleepers = {}        # owner -> Sleeper
        self.mods = set()         # patch modules loaded
        self.pinned = set()       # patch modules marked forced
        self.target = False       # klp_st_target loaded
        self.hybrid = False       # the hybrid policy's module loaded
        self.live_impls = {}      # Patch.id -> module name, code still loaded
        self.events = []          # state callbacks and shadow frees of this step
        self.shadow = {}          # shadow id -> {function: owned by the state}
        self.pinned_ids = set()   # shadow ids a forced carrier pinned for good
        self.mine = {}            # module -> functions of its foreign_id variables
        self.last_foreign = {}    # module -> the foreign_id it was loaded with

    # ---- helpers -------------------------------------------------------
    def find(self, name):
        for p in self.patches:
            if p.name == name:
                return p
        return None

    def stack_top(self, f, exclude=None, before=None):
        """The patch whose code is on top for f, ignoring 'exclude';
        with 'before', only patches enabled before it."""
        top = "orig"
        for p in self.patches:
            if p is before:
                break
            if p is exclude:
                continue
            if f in p.funcs:
                top = p.id
        return top

    def stack_top_patch(self, f, before):
        """The patch just below 'before' on f's stack, or None."""
        top = None
        for p in self.patches:
            if p is before:
                break
            if f in p.funcs:
                top = p
        return top

    def impl(self, f):
        """What a new call of f runs in a task that has reached the
        transition's target state (or with no transition)."""
        if f in TARGET_FUNCS and not self.target:
            return "-"
        t = self.trans
        if t and t.target == "patched":
            if f in t.patch.funcs:
                return t.patch.id
            if f in t.nops:
                return "orig"
            return self.stack_top(f, exclude=t.patch)
        if t and t.target == "unpatched":
            return self.stack_top(f, exclude=t.patch)
        return self.stack_top(f)

    def impl_name(self, f):
        i = self.impl(f)
        return i if i in ("orig", "-") else i.split("#")[0]

    def blocks(self, s):
        """Does sleeper s keep the transition from completing (when it is
        not yet in the target state)? Upstream livepatch.rst: a task is
        switched when no function being (un)patched is on its stack; the
        one checked when patching is the code that ran before the new
        patch (the previous patch's or the original), when unpatching the
        code of the patch being removed (a nop's is the original)."""
        t = self.trans
        f = s.func
        if "sleepers" in MUTANT or (f in TARGET_FUNCS and not self.target):
            return False
        if f not in t.patch.funcs and f not in t.nops:
            return False
        if t.target == "patched":
            return s.impl == self.stack_top(f, before=t.patch)
        own = t.patch.id if f in t.patch.funcs else "orig"
        return s.impl == own

    # ---- the lifecycle of states (system-state.rst section 5) ----------
    def event(self, patch, what, sid):
        self.events.append("%s:%s:%d" % (patch.name[len("klp_st_"):], what, sid))

    def kept_forced(self, patch, sid):
        """Once a carrier of an is_shadow state was forced, the core frees
        no shadow variable of its id again (the id is pinned), whichever
        patch carries the state later."""
        return "shadow-force" not in MUTANT and sid in self.pinned_ids

    def leave(self, patch, sid):
        """A state leaves: its carrier's post_unpatch, then the shadow
        variables of its id that the state owns (allocated by the code of
        a carrier) are freed, one destructor call each, unless a forced
        carrier keeps them."""
        self.event(patch, "post_unpatch", sid)
        if self.kept_forced(patch, sid):
            return
        vs = self.shadow.get(sid, {})
        gone = [f for f in vs if vs[f] or "shadow-foreign" in MUTANT]
        for f in gone:
            del vs[f]
        if not vs:
            self.shadow.pop(sid, None)
        if gone:
            self.events.append("%s:free:%dx%d" % (patch.name[len("klp_st_"):], sid, len(gone)))

    def log_leaving(self, tp, items):
        """The core's line for each lifecycle state that leaves at the end
        of tp's transition, with its carrier, before the post_unpatch
        callbacks."""
        for o, sid in items:
            self.events.append("%s:leaving:%d/%s%s" % (
                tp.name[len("klp_st_"):], sid, o.name[len("klp_st_"):],
                "/kept" if self.kept_forced(o, sid) else ""))

    def keep_forced(self, p, tp):
        """A forced patch pins the ids of its is_shadow states for good."""
        if p.forced:
            self.pinned_ids |= set(p.spec.life)

    def carried(self, sid, others):
        return any(sid in o.spec.states for o in others)

    def allocate(self, f, impl):
        """A call of f running impl allocates a shadow variable per state
        of that patch that owns them."""
        for p in self.patches:
            if p.id == impl:
                for sid in sorted(p.spec.life):
                    self.shadow.setdefault(sid, {}).setdefault(f, True)
                x = p.spec.foreign
                if x and f not in self.shadow.get(x, {}):
                    self.shadow.setdefault(x, {})[f] = False
                    self.mine.setdefault(p.name, set()).add(f)

    def complete_states(self, t):
        self.keep_forced(t.patch, t.patch)
        for r in t.replaced:
            self.keep_forced(r, t.patch)
        if t.target == "patched":
            self.log_leaving(t.patch, t.dropped)
        else:
            self.log_leaving(t.patch, [(t.patch, sid) for sid in t.changing])
        if t.target == "patched":
            for sid in t.changing:
                self.event(t.patch, "post_patch", sid)
            for o, sid in t.dropped:
                self.leave(o, sid)
        else:
            for sid in t.changing:
                self.leave(t.patch, sid)
            for o, sid in t.dropped:
                self.event(o, "post_patch", sid)

    def try_complete(self):
        t = self.trans
        if not t or any(not s.at_target for s in self.sleepers.values()):
            return
        self.complete_states(t)
        if t.target == "patched":
            for r in t.replaced:
                self.patches.remove(r)
                if r.forced:
                    self.pinned.add(r.name)
                else:
                    self.live_impls.pop(r.id, None)
        else:
            self.patches.remove(t.patch)
            # A patch whose code is being removed is marked when its
            # unpatching is forced (then, or before a reversal: marks
            # are never taken back), and keeps its module. A patching
            # force never marks the patch being enabled (DESIGN §4.4).
            if t.patch.forced:
                self.pinned.add(t.patch.name)
            else:
                self.live_impls.pop(t.patch.id, None)
        self.trans = None

    def settle(self):
        """The transition work: every task that is not in the target
        state switches unless a function of the transition is on its
        stack; then the transition may end."""
        if not self.trans:
            return
        for s in self.sleepers.values():
            if not s.at_target:
                s.at_target = not self.blocks(s)
        self.try_complete()

    def start(self, patch, target, replaced=(), nops=(), changing=(), dropped=()):
        self.trans = Transition(patch, target, list(replaced), set(nops))
        self.trans.changing = list(changing)
        self.trans.dropped = list(dropped)
        for s in self.sleepers.values():
            s.at_target = False
        self.settle()

    def reverse(self, settle=True):
        """echo to the enabled file of the patch in transition. The target
        flips, so a task in the old target state is now the one to
        switch, and one that had not switched is in the target state.
        Reversed, the patches N would have replaced stay in place: their
        code is current again; every forced mark stays (upstream's rule:
        a forced patch's module is never removed). settle=False: the
        transition work does not run before the next operation (a
        force-reverse chain)."""
        t = self.trans
        t.target = "unpatched" if t.target == "patched" else "patched"
        t.patch.enabled = t.target == "patched"
        t.forced = False
        for s in self.sleepers.values():
            s.at_target = not s.at_target
        if settle:
            self.settle()

    def loaded_funcs(self):
        """The functions of loaded (patched) objects."""
        return set(FUNCS) if self.target else set(FUNCS) - TARGET_FUNCS

    def forced_marks(self, t):
        """The patches a forced patching transition marks: every patch on
        N's replaced list, and every other patch in the list that shares
        a function of a loaded object with N (its nops included), at any
        depth of that function's stack; never N."""
        marks = list(t.replaced)
        if "forced-below" in MUTANT:
            # the previous rule: only the patch just below N on each
            for f in t.patch.funcs | t.nops:
                below = self.stack_top_patch(f, before=t.patch)
                if below:
                    marks.append(below)
            return marks
        fs = (t.patch.funcs | t.nops) & self.loaded_funcs()
        return marks + [p for p in self.patches if p is not t.patch and p.funcs & fs]

    def force(self, settle=True):
        """echo 1 > force: every task is switched to the target state; the
        transition ends when the transition work next runs (settle)."""
        t = self.trans
        t.forced = True
        if "forced-pin" not in MUTANT:
            if t.target == "patched":
                for p in self.forced_marks(t):
                    p.forced = True
            else:
                t.patch.forced = True
        for s in self.sleepers.values():
            s.at_target = True
        if settle:
            self.try_complete()

    # ---- the policies (DESIGN §3, replace-policies.rst §2-4, §7) -------
    @staticmethod
    def core_refusal(n):
        """The core's refusals before any policy is asked: the policy's
        name, the policy registered, its replace_params."""
        pol = n.pol
        if n.policy is not None and (n.policy == "" or len(n.policy) > 15):
            return why(EINVAL, "policy name not valid")
        if pol not in POLICIES:
            return why(ENOENT, "policy not registered")
        # replace_params: present unless "none", or not given to a
        # policy other than hybrid
        if n.params is None:
            hdr = "hybrid" if pol == "hybrid" else None
        elif n.params == "none":
            hdr = None
        else:
            hdr = n.params
        if hdr is not None:
            if pol != "hybrid":
                return why(EINVAL, "policy takes no replace_params")
            if hdr != pol or n.params_size:
                return why(EINVAL, "replace_params of another policy or size")
        elif pol == "hybrid":
            return why(EINVAL, "policy needs replace_params")
        return None

    @staticmethod
    def validate(n):
        """validate() of the patch's policy (the hybrid sample has none)."""
        pol = n.pol
        if pol == "legacy":
            if n.supersedes:
                return why(EINVAL, "supersede list without replace_set")
            if n.replace_set or n.tag:
                return why(EINVAL, ".replace_set or .replace_tag without its policy")
        elif pol == "replace_set":
            if n.replace:
                return why(EINVAL, "replace_set patch sets .replace")
            if n.tag:
                return why(EINVAL, "replace_set patch sets .replace_tag")
            s = n.supersedes
            if len(s) > SUPERSEDES_MAX or len(set(s)) != len(s) or n.replace_set in s:
                return why(EINVAL, "supersede list not valid")
        elif pol == "tag":
            if n.supersedes:
                return why(EINVAL, "supersede list without replace_set")
            if n.replace or n.replace_set:
                return why(EINVAL, "tag patch sets .replace or .replace_set")
        return None

    @staticmethod
    def replaces(n, o):
        pol, opol = n.pol, o.spec.pol
        if pol == "legacy":
            return n.replace
        if pol == "replace_set":
            return opol == "replace_set" and (o.spec.replace_set == n.replace_set or
                                              o.spec.replace_set in n.supersedes)
        if pol == "tag":
            return opol == "tag" and n.tag > 0 and o.spec.tag in (0, n.tag)
        if pol == "hybrid":
            return n.replace and opol == "hybrid" and o.spec.replaceable
        raise AssertionError(pol)

    @staticmethod
    def shares(n, o):
        return bool(n.funcs & o.funcs) or bool(set(n.states) & set(o.spec.states))

    def scope_refusal(self, n, o):
        """check() of N's policy, then of O's policy when N keeps O."""
        pol, opol = n.pol, o.spec.pol
        if self.replaces(n, o):
            # replace_set folds a superseded set's fix in: none of its
            # functions may be left to revert (before the pair's state
            # check, which the core's state rule repeats)
            left = o.funcs - n.funcs
            if pol == "replace_set" and o.spec.replace_set != n.replace_set and left and \
                    "fold-in" not in MUTANT:
                return why(EINVAL, "replace_set: supersedes %s (set %d) but leaves out %s" %
                           (o.name, o.spec.replace_set, ",".join(sorted(left))))
            return None
        if pol == "replace_set" and self.shares(n, o):
            return why(EINVAL, "replace_set: shares with kept %s (%s)" % (o.name, opol))
        if pol == "tag" and not (opol == "tag" and o.spec.tag == n.tag) and self.shares(n, o) and \
                not ("tag-other-policies" in MUTANT and opol != "tag"):
            # "patches of other policies have no tag": another tag
            return why(EINVAL, "tag: shares with kept %s (%s)" % (o.name, opol))
        if opol != pol and opol in ("replace_set", "tag") and self.shares(n, o) and \
                "o-policy-check" not in MUTANT:
            return why(EINVAL, "%s of kept %s refuses %s patch" % (opol, o.name, pol))
        return None

    @staticmethod
    def same_line(n, o):
        """The policy's same_line(): legacy patches are one line, a
        replace_set set is one, a non-zero tag is one; patches of two
        policies never are, nor hybrid ones (the sample has none)."""
        if n.pol != o.spec.pol:
            return False
        if n.pol == "legacy":
            # legacy's line is its cumulative (.replace) patches
            return o.spec.replace
        if n.pol == "replace_set":
            return n.replace_set == o.spec.replace_set
        if n.pol == "tag":
            return n.tag != 0 and o.spec.tag == n.tag
        return False

    def state_refusal(self, n, replaced):
        """The state rule (system-state.rst), on the recorded decision
        (replaced): the patch's own declarations (retire_states lists no
        state it carries; an is_shadow state does not enter while shadow
        variables of its id exist), then for every enabled patch: the
        carriers of an id declare it alike (old-style or lifecycle),
        never at a lower version; a replacing patch carries an old-style
        state of a patch it replaces, and may leave a lifecycle one out
        within the line, or across lines when it lists it in
        retire_states."""
        if set(n.retire) & set(n.states):
            return why(EINVAL, "both carries and retires state %d" %
                       min(set(n.retire) & set(n.states)))
        for sid in sorted(n.life):
            if "shadow-foreign" not in MUTANT and not self.carried(sid, self.patches) and \
                    self.shadow.get(sid):
                return why(EINVAL, "brings in state %d with is_shadow, but shadow variables "
                           "with that id exist" % sid)
        for o in self.patches:
            for sid, ver in o.spec.states.items():
                if sid in n.states:
                    ol, nl = sid in o.spec.life, sid in n.life
                    if ol != nl and ("mixed-carriers" not in MUTANT or ol):
                        return why(EINVAL, "declares state %d %s callbacks, %s %s: mixed carriers" %
                                   (sid, "with" if nl else "without", o.name,
                                    "with" if ol else "without"))
                    if n.states[sid] < ver:
                        return why(EINVAL, "state %d lower than %s's" % (sid, o.name))
                elif o in replaced:
                    if sid not in o.spec.life or "state-drop" in MUTANT:
                        return why(EINVAL, "lacks state %d of replaced %s" % (sid, o.name))
                    if not self.same_line(n, o) and sid not in n.retire and \
                            "silent-drop" not in MUTANT:
                        return why(EINVAL, "replaces %s across lines and leaves out its state %d"
                                   % (o.name, sid))
        return None

    # ---- operations ----------------------------------------------------
    def op_load(self, n):
        if n.name in self.mods:
            return why(EEXIST, "module loaded")
        if n.pol == "hybrid" and n.policy is not None:
            self.hybrid = True        # request_module() before any check
        err = self.core_refusal(n)
        if err:
            return err
        if self.trans and n.pol != "legacy" and "ebusy-first" not in MUTANT:
            # nothing is decided during a transition: no policy is asked
            return why(EBUSY, "transition in progress (before validate)")
        err = self.validate(n)
        if err:
            return err
        replaced = [o for o in self.patches if self.replaces(n, o)]
        if self.trans:
            # legacy: upstream's state rule read from .replace, then -EBUSY
            if "state-before-ebusy" in MUTANT:
                return why(EBUSY, "transition in progress")
            return self.state_refusal(n, replaced) or why(EBUSY, "transition in progress")
        for o in self.patches:
            err = self.scope_refusal(n, o)
            if err:
                return err
        err = self.state_refusal(n, replaced)
        if err:
            return err
        # The consistency rules, when N replaces some and keeps some.
        kept = [o for o in self.patches if o not in replaced]
        rf = set().union(*[o.funcs for o in replaced]) if replaced else set()
        kf = set().union(*[o.funcs for o in kept]) if kept else set()
        if (rf & kf) - n.funcs and "consistency" not in MUTANT:
            return why(EINVAL, "consistency rule (%s)" % ",".join(sorted((rf & kf) - n.funcs)))
        for r in replaced:
            for k in kept:
                common = set(r.spec.states) & set(k.spec.states)
                if common and "state-share" not in MUTANT:
                    return why(EINVAL, "replaces %s, keeps %s: both use state %d" %
                               (r.name, k.name, min(common)))
        p = Patch(n)
        # States entering: no enabled patch carries them (one a replaced
        # patch carries is taken over, one a kept patch carries shared).
        entering = [sid for sid in sorted(n.states) if not self.carried(sid, self.patches)]
        accepted = n.pol == "replace_set" and n.also
        if accepted and "accepted-early" in MUTANT:
            self.event(p, "accepted", n.also[0])
        for i, sid in enumerate(entering):
            if sid not in n.life:
                continue
            self.event(p, "pre_patch", sid)
            if sid == n.fail:
                # refused: klp_cancel_transition() undoes those set up
                done = [x for x in entering[:i] if x in n.life]
                self.log_leaving(p, [(p, x) for x in done])
                for x in done:
                    self.leave(p, x)
                return why(ENODEV, "pre_patch of state %d fails" % sid)
        # States leaving with a replaced patch: neither N nor a kept
        # patch carries them; the last replaced carrier undoes them.
        dropped = []
        for i, o in enumerate(replaced):
            for sid in sorted(o.spec.states):
                if sid not in o.spec.life or self.carried(sid, kept) or \
                        self.carried(sid, replaced[i + 1:]):
                    continue
                if sid in n.states and "leave-taken-over" not in MUTANT:
                    continue
                dropped.append((o, sid))
        for o, sid in dropped:
            self.event(o, "pre_unpatch", sid)
        if accepted and "accepted-early" not in MUTANT:
            # accepted(): past every step that can refuse the patch
            self.event(p, "accepted", n.also[0])
        self.patches.append(p)
        self.mods.add(n.name)
        self.last_foreign[n.name] = n.foreign
        self.live_impls[p.id] = n.name
        self.start(p, "patched", replaced, rf - n.funcs,
                   changing=[sid for sid in entering if sid in n.life], dropped=dropped)
        return why(OK, "enabled, replaces %s" % (",".join(o.name for o in replaced) or "nothing"))

    def op_disable(self, name):
        p = self.find(name)
        if not p:
            return ENOENT
        if self.trans and self.trans.patch is p:
            if not p.enabled:
                return EINVAL
            self.reverse()
            return OK
        if self.trans:
            return EBUSY
        p.enabled = False
        others = [q for q in self.patches if q is not p]
        leaving = [sid for sid in sorted(p.spec.life) if not self.carried(sid, others)]
        for sid in leaving:
            self.event(p, "pre_unpatch", sid)
        self.start(p, "unpatched", changing=leaving)
        return OK

    def op_enable(self, name):
        p = self.find(name)
        if not p:
            return ENOENT
        if p.enabled:
            return EINVAL
        # only the patch of an unpatching transition is in the list disabled
        self.reverse()
        return OK

    def op_force(self, name, reversals=0):
        """echo 1 > force, then (a force-reverse chain) that many
        reversals back to back: no task switches between them but by the
        force, and the transition work runs only after the last."""
        p = self.find(name)
        if not p:
            return ENOENT
        if not self.trans or self.trans.patch is not p:
            return EINVAL
        self.force(settle=not reversals)
        if reversals:
            for _ in range(reversals):
                self.reverse(settle=False)
            self.settle()
        return OK

    def op_rmmod(self, name):
        if name == HYBRID_MOD:
            if not self.hybrid:
                return ENOENT
            if any(p.spec.pol == "hybrid" for p in self.patches):
                return EBUSY
            self.hybrid = False
            return OK
        if name == TARGET:
            if not self.target:
                return ENOENT
            assert not any(s.func in TARGET_FUNCS for s in self.sleepers.values())
            self.target = False
            return OK
        if name not in self.mods:
            return ENOENT
        if self.find(name) or name in self.pinned:
            return EBUSY
        assert not any(s.impl in self.live_impls and self.live_impls[s.impl] == name
                       for s in self.sleepers.values()), "model: code removed under a sleeper"
        self.mods.discard(name)
        # its exit frees the foreign_id variables its code allocated
        mine = self.mine.pop(name, set())
        x = self.last_foreign.get(name)
        vs = self.shadow.get(x, {})
        gone = [f for f in sorted(mine) if f in vs]
        for f in gone:
            del vs[f]
        if x in self.shadow and not vs:
            del self.shadow[x]
        if gone:
            self.events.append("%s:ffree:%dx%d" % (name[len("klp_st_"):], x, len(gone)))
        return OK

    def op_tload(self):
        if self.target:
            return EEXIST
        self.target = True
        return OK

    def op_sleep(self, owner, f):
        """A task calls f; it sleeps if it runs the owner's code, after
        allocating the shadow variables of that code's states."""
        i = self.impl(f)
        self.allocate(f, i)
        if owner == TARGET:
            slept = i == "orig" and f in TARGET_FUNCS and self.target
        else:
            slept = i not in ("orig", "-") and i.split("#")[0] == owner
        if slept:
            self.sleepers[owner] = Sleeper(owner, f, i, True)
        return slept

    def op_wake(self, owner):
        self.sleepers.pop(owner, None)
        self.settle()

    # ---- what the guest observes ---------------------------------------
    def observe(self):
        ps = []
        for p in sorted(self.patches, key=lambda p: p.name):
            tr = 1 if self.trans and self.trans.patch is p else 0
            ps.append("%s:%d%d" % (p.name, 1 if p.enabled else 0, tr))
        fs = "/".join(self.impl_name(f) for f in FUNCS)
        mods = sorted(self.mods | ({TARGET} if self.target else set()) |
                      ({HYBRID_MOD} if self.hybrid else set()))
        return "p=%s f=%s m=%s" % (",".join(ps) or "-", fs, ",".join(mods) or "-")

    def observe_reads(self):
        """The observer's reads of the six functions allocate too."""
        for f in FUNCS:
            self.allocate(f, self.impl(f))

    def take_events(self):
        ev, self.events = self.events, []
        return ";".join(ev) or "-"


# ---- the generator -----------------------------------------------------
class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.m = Model()
        self.steps = []   # (plan line, expected observation, description)
        self.queue = []   # the rest of a scenario
        self.turn = 0     # the scenario whose turn it is

    def pick(self, weights):
        items = [(k, w) for k, w in weights if w > 0]
        tot = sum(w for _, w in items)
        x = self.r.uniform(0, tot)
        for k, w in items:
            x -= w
            if x <= 0:
                return k
        return items[-1][0]

    def active_funcs(self):
        s = set()
        for p in self.m.patches:
            s |= p.funcs
        return s

    def rand_funcs(self):
        r = self.r
        if self.m.patches and r.random() < 0.55:
            # around an enabled patch's functions: conflicts, same-scope
            # replacement, the consistency rule
            base = sorted(r.choice(self.m.patches).funcs)
            fs = set(r.sample(base, r.randint(1, len(base))))
            if r.random() < 0.4:
                fs.add(r.choice(FUNCS))
            return fs
        act = sorted(self.active_funcs())
        k = self.pick([(1, 5), (2, 4), (3, 2)])
        fs = set()
        while len(fs) < k:
            if act and r.random() < 0.5:
                fs.add(r.choice(act))
            else:
                fs.add(r.choice(FUNCS))
        return fs

    def rand_states(self):
        r = self.r
        if r.random() < 0.65:
            return {}
        known = {}
        for p in self.m.patches:
            known.update(p.spec.states)
        sid = r.choice(sorted(known)) if known and r.random() < 0.6 else r.choice([1, 2, 3])
        base = known.get(sid, 1)
        ver = max(0, base + r.choice([-1, 0, 0, 1]))
        st = {sid: ver}
        if r.random() < 0.15:
            st[r.choice([1, 2, 3])] = r.choice([1, 2])
        return st

    def rand_life(self, n):
        """Which of n's states have callbacks and shadow variables: as an
        enabled patch declares them, or at random; rarely one that fails."""
        r = self.r
        known = {sid for p in self.m.patches for sid in p.spec.life}
        declared = {sid for p in self.m.patches for sid in p.spec.states}
        for sid in n.states:
            if sid in known:
                if r.random() < 0.92:
                    n.life.add(sid)       # else: refused, it would leak them
            elif sid not in declared and r.random() < 0.6:
                n.life.add(sid)
            elif sid in declared and r.random() < 0.1:
                n.life.add(sid)
        if n.life and r.random() < 0.06:
            n.fail = r.choice(sorted(n.life))

    def max_version(self, sid):
        return max([p.spec.states[sid] for p in self.m.patches if sid in p.spec.states] or [1])

    def scopes(self, pol):
        return sorted({(p.spec.replace_set if pol == "replace_set" else p.spec.tag)
                       for p in self.m.patches if p.spec.pol == pol})

    def replacing_spec(self, name):
        """A patch meant to replace an enabled one: same scope (or a
        supersede list naming it, or legacy/hybrid .replace), its
        functions or more, its states (sometimes not quite)."""
        r = self.r
        o = r.choice(self.m.patches)
        n = Spec(name)
        base = sorted(o.funcs)
        n.funcs = set(r.sample(base, r.randint(1, len(base))))
        if r.random() < 0.5:
            n.funcs |= o.funcs
        if r.random() < 0.3:
            n.funcs.add(r.choice(FUNCS))
        for p in self.m.patches:
            if p is o or r.random() < 0.3:
                n.states.update(p.spec.states)
        for sid in list(n.states):
            x = r.random()
            if x < 0.1:
                del n.states[sid]
            elif x < 0.2:
                n.states[sid] = max(0, n.states[sid] - 1)
            elif x < 0.4:
                n.states[sid] += 1
        self.rand_life(n)
        pol = o.spec.pol
        if r.random() < 0.12:
            n.replace = True                  # legacy: replaces everything
            if r.random() < 0.5:
                n.policy = "legacy"
        elif pol == "replace_set":
            n.policy = "replace_set"
            if r.random() < 0.45:
                n.replace_set = r.choice([0, 7, 9, 11])
                if n.replace_set == o.spec.replace_set:
                    n.replace_set = 5
                n.supersedes = [o.spec.replace_set]
                others = [x for x in self.scopes("replace_set") if x not in (n.replace_set, o.spec.replace_set)]
                if others and r.random() < 0.3:
                    n.supersedes.append(r.choice(others))
                if r.random() < 0.6:
                    # fold the superseded sets' fixes in: all their functions
                    for p in self.m.patches:
                        if p.spec.pol == "replace_set" and p.spec.replace_set in n.supersedes:
                            n.funcs |= p.funcs
                else:
                    # leave out one of them: the fold-in refusal
                    n.funcs.discard(r.choice(sorted(o.funcs)))
                    if not n.funcs:
                        n.funcs.add(r.choice([f for f in FUNCS if f not in o.funcs] or FUNCS))
            else:
                n.replace_set = o.spec.replace_set
        elif pol == "tag":
            n.policy = "tag"
            n.tag = o.spec.tag if o.spec.tag else r.choice([1, 7])
        elif pol == "hybrid":
            n.policy = "hybrid"
            n.replace = True
            n.replaceable = r.random() < 0.5
            # Petr Mladek's lp3: leave out a function that a patch it
            # keeps patches too
            shared = [f for f in sorted(n.funcs)
                      if any(f in p.funcs for p in self.m.patches if p is not o)]
            if shared and len(n.funcs) > 1 and r.random() < 0.5:
                n.funcs.discard(r.choice(shared))
            if r.random() < 0.5:
                # the states of the patches it replaces, at the highest
                # version: a kept patch that uses one too meets the
                # state-sharing rule
                n.states = {}
                for p in self.m.patches:
                    if self.m.replaces(n, p):
                        for sid in p.spec.states:
                            n.states[sid] = self.max_version(sid)
                self.rand_life(n)
        else:
            n.replace = True
            n.policy = r.choice([None, "legacy"])
        if n.policy == "replace_set" and r.random() < 0.25:
            n.also = [99]
        self.add_retires(n)
        return n

    def add_retires(self, n, prob=0.75):
        """List in retire_states, mostly, the lifecycle states of the
        patches n replaces across lines that n leaves out (the others
        are refused)."""
        if n.pol not in POLICIES:
            return
        for o in self.m.patches:
            if not self.m.replaces(n, o) or self.m.same_line(n, o):
                continue
            for sid in sorted(o.spec.life):
                if sid not in n.states and sid not in n.retire and self.r.random() < prob:
                    n.retire.append(sid)

    def state_share_spec(self, name, lp3=False):
        """A hybrid .replace patch that replaces the replaceable hybrid
        patches, with their functions and their states at the highest
        version, while a patch it keeps (legacy or hybrid, whose policies
        refuse nothing) uses one of those states: only the state-sharing
        rule refuses it. lp3: it leaves out the functions such a kept
        patch shares with them instead: only the consistency rule
        refuses it. None when no such pair is enabled."""
        m = self.m
        rs = [p for p in m.patches if p.spec.pol == "hybrid" and p.spec.replaceable]
        ks = [p for p in m.patches if p not in rs and p.spec.pol in ("legacy", "hybrid")]
        rids = {sid for p in rs for sid in p.spec.states}
        rf = set().union(*[p.funcs for p in rs]) if rs else set()
        kf = set().union(*[p.funcs for p in ks]) if ks else set()
        kids = {sid for p in ks for sid in p.spec.states}
        if lp3 and (not rf & kf or not rf - kf or rids & kids):
            return None
        if not lp3 and not rids & kids:
            return None
        n = Spec(name)
        n.policy = "hybrid"
        n.replace = True
        n.replaceable = self.r.random() < 0.5
        n.funcs = rf - kf if lp3 else rf
        n.states = {sid: self.max_version(sid) for sid in sorted(rids)}
        self.rand_life(n)
        return n

    def rand_spec(self, name):
        n = self.rand_spec1(name)
        if n.pol in ("legacy", "hybrid") and not n.foreign and self.r.random() < 0.06:
            # shadow variables of an id without declaring a state
            n.foreign = self.r.choice([x for x in (4, 5, 6) if x not in n.states])
        return n

    def rand_spec1(self, name):
        r = self.r
        if self.m.patches and r.random() < 0.35:
            return self.replacing_spec(name)
        n = Spec(name)
        n.funcs = self.rand_funcs()
        n.states = self.rand_states()
        self.rand_life(n)
        kind = self.pick([("none", 12), ("legacy", 5), ("replace_set", 28), ("tag", 24),
                          ("hybrid", 20), ("invalid", 7)])
        if self.m.trans:
            # during a transition only legacy patches meet the state
            # rule; the others are refused before validate()
            kind = self.pick([(kind, 5), ("none", 2), ("legacy", 1), ("invalid", 1)])
        if kind == "none":
            n.replace = r.random() < 0.3
        elif kind == "legacy":
            n.policy = "legacy"
            n.replace = r.random() < 0.3
        elif kind == "replace_set":
            n.policy = "replace_set"
            have = self.scopes("replace_set")
            n.replace_set = r.choice(have) if have and r.random() < 0.6 else r.choice([0, 7, 9])
            if r.random() < 0.3:
                cands = [s for s in set(have) | {0, 7, 9} if s != n.replace_set]
                n.supersedes = r.sample(sorted(cands), min(len(cands), r.choice([1, 1, 2])))
        elif kind == "tag":
            n.policy = "tag"
            have = self.scopes("tag")
            n.tag = r.choice(have) if have and r.random() < 0.5 else r.choice([0, 0, 1, 1, 7])
        elif kind == "hybrid":
            n.policy = "hybrid"
            n.replace = r.random() < 0.5
            n.replaceable = r.random() < 0.6
        if kind in ("none", "legacy", "hybrid") and not n.replace and r.random() < 0.6:
            # stack where no scoped patch owns the function, on the
            # functions of other stacking patches when there are some
            scoped = set()
            stacking = set()
            for p in self.m.patches:
                (scoped if p.spec.pol in ("replace_set", "tag") else stacking).update(p.funcs)
            free = [f for f in FUNCS if f not in scoped]
            if free:
                pref = [f for f in free if f in stacking] or free
                n.funcs = {r.choice(pref)}
                if r.random() < 0.6:
                    n.funcs.add(r.choice(free))
            # a state of a replaceable hybrid patch: a later hybrid
            # .replace patch replaces that one and keeps this one
            hs = sorted({sid for p in self.m.patches if p.spec.pol == "hybrid" and p.spec.replaceable
                         for sid in p.spec.states})
            if hs and r.random() < 0.35:
                sid = r.choice(hs)
                n.states = {sid: self.max_version(sid)}
                n.life = set()
                self.rand_life(n)
        if kind == "invalid":
            v = r.choice(["empty", "long", "nosuch", "noparams", "teamparams", "size",
                          "legacyparams", "rs_replace", "rs_own", "rs_dup", "rs_long",
                          "tag_supersedes", "legacy_set"])
            if v == "empty":
                n.policy = ""
            elif v == "long":
                n.policy = "replace_set_longer"
            elif v == "nosuch":
                n.policy = "nosuch"
            elif v in ("noparams", "teamparams", "size"):
                n.policy = "hybrid"
                if v == "noparams":
                    n.params = "none"
                elif v == "teamparams":
                    n.params = "team"
                else:
                    n.params_size = 8
            elif v == "legacyparams":
                n.policy = "legacy"
                n.params = "hybrid"
            elif v.startswith("rs_"):
                n.policy = "replace_set"
                n.replace_set = 7
                if v == "rs_replace":
                    n.replace = True
                elif v == "rs_own":
                    n.supersedes = [0, 7]
                elif v == "rs_dup":
                    n.supersedes = [0, 0]
                else:
                    n.supersedes = list(range(100, 117))
            elif v == "tag_supersedes":
                n.policy = "tag"
                n.tag = 1
                n.supersedes = [0]
            else:
                n.replace_set = 7
        if kind == "invalid" and r.random() < 0.1:
            # retires a state it carries
            n.states, n.life, n.retire = {1: 1}, set(), [1]
        self.add_retires(n)
        return n

    def candidates_sleep(self):
        m = self.m
        out = []
        for f in FUNCS:
            i = m.impl(f)
            if i == "-":
                continue
            if i == "orig":
                if f in TARGET_FUNCS and TARGET not in m.sleepers:
                    out.append((TARGET, f))
            else:
                o = i.split("#")[0]
                if o not in m.sleepers:
                    out.append((o, f))
        return out

    # Scenarios: a few operations in a row, each built when its turn
    # comes; an operation whose conditions no longer hold is left out
    # (None). Each scenario starts with an operation or is not possible
    # now (None).
    def stack(self, f):
        return [p for p in self.m.patches if f in p.funcs]

    def unscoped_funcs(self, ids=False):
        """Functions (ids: state ids) no scoped patch (replace_set, tag)
        uses: patches of the other policies share them freely. No task
        sleeps in those functions: a patch of them does not stall."""
        scoped = set()
        for p in self.m.patches:
            if p.spec.pol in ("replace_set", "tag"):
                scoped |= set(p.spec.states) if ids else p.funcs
        if not ids:
            scoped |= {s.func for s in self.m.sleepers.values()}
        return [x for x in ((1, 2, 3) if ids else FUNCS) if x not in scoped]

    def free_name(self):
        """A patch module not loaded (None: all are)."""
        free = [n for n in POOL if n not in self.m.mods]
        return self.r.choice(free) if free else None

    def scenario_deep(self):
        """A stack of two patches or more on a function of a loaded
        object (built if needed), a task sleeping in the top one's code, a
        patch stacking on it stalls (a load meanwhile), its transition is
        forced (or forced and reversed): every patch of that stack is
        marked, not only the one just below."""
        m, r = self.m, self.r
        fs = [f for f in self.unscoped_funcs() if f in m.loaded_funcs() and
              all(p.spec.pol in ("legacy", "hybrid") for p in self.stack(f))]
        if m.trans or len(m.sleepers) > 2 or len(m.mods) > len(POOL) - 3 or not fs:
            return None
        f = r.choice(fs)
        name = [None]

        def stack():
            if m.trans or len(self.stack(f)) > 1 or not self.free_name():
                return None
            n = Spec(self.free_name())
            n.funcs = {f}
            n.policy = r.choice([None, "legacy"])
            ids = self.unscoped_funcs(ids=True)
            if ids and r.random() < 0.5:
                # for the state rule of a load while it stalls
                sid = r.choice(ids)
                n.states = {sid: self.max_version(sid)}
                self.rand_life(n)
            return ("load", n)

        def sleep():
            ps = self.stack(f)
            if m.trans or len(ps) < 2 or ps[-1].name in m.sleepers:
                return None
            return ("sleep", ps[-1].name, f)

        def load():
            if m.trans or not any(s.func == f for s in m.sleepers.values()) or not self.free_name():
                return None
            n = Spec(self.free_name())
            n.funcs = {f}
            n.policy = r.choice([None, "legacy"])
            name[0] = n.name
            return ("load", n)

        def busy():
            # a load meanwhile
            t = m.trans
            return self.scenario_busy() if t and t.patch.name == name[0] and r.random() < 0.7 else None

        def force():
            t = m.trans
            if not t or t.patch.name != name[0]:
                return None
            k = self.pick([(0, 2), (1, 1), (2, 2), (3, 1)])
            return ("force", t.patch.name, k) if k else ("force", t.patch.name)
        self.queue = [stack, sleep, load, busy, force]
        return stack() or sleep()

    def scenario_lp3(self):
        return self.scenario_share(lp3=True)

    def scenario_share(self, lp3=False):
        """R (hybrid, replaceable) and K (legacy) use one state id, or
        (lp3) patch one function; N (hybrid .replace) replaces R and keeps
        K: the state-sharing rule, or the consistency rule."""
        m, r = self.m, self.r
        fs, ids = self.unscoped_funcs(), self.unscoped_funcs(ids=True)
        if m.trans or len(m.mods) > len(POOL) - 3 or len(fs) < 1 + lp3 or not ids:
            return None
        sid = r.choice(ids)
        rr, k = Spec(self.free_name()), Spec(None)
        rr.policy, rr.replaceable = "hybrid", True
        k.policy = r.choice([None, "legacy"])
        if lp3:
            rr.funcs = set(r.sample(fs, 2))
            k.funcs = {r.choice(sorted(rr.funcs))}
        else:
            for x in (rr, k):
                x.funcs = {r.choice(fs)}
                x.states = {sid: self.max_version(sid)}

        def load_k():
            if m.trans or not m.find(rr.name):
                return None
            k.name = self.free_name()
            return ("load", k)

        def load_n():
            n = None if m.trans else self.state_share_spec(self.free_name(), lp3)
            return ("load", n) if n else None

        def disable():
            # or the pair stays, and refuses every later such patch
            x = m.find(r.choice([rr.name, k.name]))
            return ("disable", x.name) if x and not m.trans and r.random() < 0.6 else None
        self.queue = [load_k, load_n, disable]
        return ("load", rr)

    def scenario_fold(self):
        """R (replace_set a) patches two functions; N (set b, supersedes
        a) leaves one out: the fold-in refusal; then sometimes a patch
        that folds both in."""
        m, r = self.m, self.r
        used = set().union(*[p.funcs for p in m.patches]) if m.patches else set()
        used |= {s.func for s in m.sleepers.values()}
        fs = [f for f in FUNCS if f not in used]
        sets = [x for x in (3, 5, 7, 9, 11) if x not in self.scopes("replace_set")]
        if m.trans or len(m.mods) > len(POOL) - 3 or len(fs) < 2 or len(sets) < 2:
            return None
        a, b = r.sample(sets, 2)
        rr = Spec(self.free_name())
        rr.policy, rr.replace_set = "replace_set", a
        rr.funcs = set(r.sample(fs, 2))

        def fold(full):
            def op():
                if m.trans or not m.find(rr.name) or (full and r.random() < 0.5):
                    return None
                n = Spec(self.free_name())
                n.policy, n.replace_set, n.supersedes = "replace_set", b, [a]
                n.funcs = set(rr.funcs) if full else {r.choice(sorted(rr.funcs))}
                if not full and r.random() < 0.3:
                    n.funcs.add(r.choice(FUNCS))
                return ("load", n)
            return op
        self.queue = [fold(False), fold(True)]
        return ("load", rr)

    def scenario_life(self):
        """An off-band fix F (replace_set a) bringing in a state with
        callbacks and shadow variables, then one of: a fold-in (set b
        superseding a, carrying the state: nothing runs, the shadow
        variables stay), a retirement (superseding a without the state:
        F's callbacks run, its shadow variables are freed), a downgrade
        within set a without the state, or F disabled."""
        m, r = self.m, self.r
        used = set().union(*[p.funcs for p in m.patches]) if m.patches else set()
        used |= {s.func for s in m.sleepers.values()}
        fs = [f for f in FUNCS if f not in used]
        sets = [x for x in (3, 5, 7, 9, 11) if x not in self.scopes("replace_set")]
        ids = [x for x in (4, 5, 6) if not any(x in p.spec.states for p in m.patches)]
        if m.trans or len(m.mods) > len(POOL) - 3 or not fs or len(sets) < 2 or not ids:
            return None
        a, b = r.sample(sets, 2)
        sid = r.choice(ids)
        fix = Spec(self.free_name())
        fix.policy, fix.replace_set = "replace_set", a
        fix.funcs = set(r.sample(fs, min(len(fs), r.choice([1, 2]))))
        fix.states, fix.life = {sid: 1}, {sid}
        if r.random() < 0.1:
            fix.fail = sid
        if r.random() < 0.4:
            fix.also = [99]           # accepted() once its pre_patch ran

        def then():
            if m.trans or not m.find(fix.name):
                return None
            how = r.choice(["fold", "retire", "downgrade", "disable"])
            if how == "disable":
                return ("disable", fix.name)
            n = Spec(self.free_name())
            n.policy, n.funcs = "replace_set", set(fix.funcs)
            if how == "downgrade":
                n.replace_set = a
            else:
                n.replace_set, n.supersedes = b, [a]
            if how == "fold":
                n.states, n.life = {sid: 1}, {sid}
            elif how == "retire" and r.random() < 0.75:
                n.retire = [sid]          # else refused: across lines
            if n.supersedes and r.random() < 0.3:
                n.also = [99]
            return ("load", n)
        self.queue = [then]
        return ("load", fix)

    def fresh(self, ids=(4, 5, 6)):
        """Functions of loaded objects no patch or task uses, replace
        sets no patch has, and state ids no patch carries."""
        m = self.m
        used = set().union(*[p.funcs for p in m.patches]) if m.patches else set()
        used |= {s.func for s in m.sleepers.values()}
        fs = [f for f in FUNCS if f not in used and f in m.loaded_funcs()]
        sets = [x for x in (3, 5, 7, 9, 11) if x not in self.scopes("replace_set")]
        free_ids = [x for x in ids if not any(x in p.spec.states for p in m.patches)]
        return fs, sets, free_ids

    def carrier(self, sid, f, a):
        """A replace_set patch of set a bringing in lifecycle state sid."""
        n = Spec(self.free_name())
        n.policy, n.replace_set, n.funcs = "replace_set", a, {f}
        n.states, n.life = {sid: self.max_version(sid)}, {sid}
        if self.r.random() < 0.3:
            n.also = [99]
        return n

    def scenario_foreign(self):
        """A livepatch G (legacy or hybrid) whose code allocates shadow
        variables of id x without declaring a state, and a lifecycle
        carrier C of x (replace_set): C brought in while G's variables
        exist is refused; C enabled first owns only its own variables,
        and when x leaves G's stay; G's module frees its own when
        removed, then C may come in."""
        m, r = self.m, self.r
        fs, sets, _ = self.fresh()
        if m.trans or len(m.mods) > len(POOL) - 4 or len(fs) < 2 or not sets:
            return None
        x = r.choice([4, 5, 6])
        fg, fc = r.sample(fs, 2)
        a = r.choice(sets)
        g = Spec(self.free_name())
        g.policy = r.choice([None, "legacy", "hybrid"])
        g.replaceable = g.policy == "hybrid" and r.random() < 0.5
        g.funcs, g.foreign = {fg}, x
        c = [None]

        def load_c():
            if m.trans or not self.free_name():
                return None
            c[0] = self.carrier(x, fc, a)
            return ("load", c[0])

        def load_g():
            if m.trans or g.name in m.mods or not self.free_name():
                return None
            g.name = self.free_name()
            return ("load", g)

        def disable(which):
            def op():
                n = g if which == "g" else c[0]
                return ("disable", n.name) if n and m.find(n.name) and not m.trans else None
            return op

        def rmmod_g():
            ok = g.name in m.mods and not m.find(g.name) and g.name not in m.pinned
            return ("rmmod", g.name) if ok and not m.trans else None
        if r.random() < 0.4:
            # the carrier first, then G; x leaves, G's variables stay
            self.queue = [load_g, disable("c"), load_c, disable("g"), rmmod_g, load_c]
            c[0] = self.carrier(x, fc, a)
            return ("load", c[0])
        self.queue = [load_c, disable("g"), rmmod_g, load_c]
        return ("load", g)

    def scenario_forceshadow(self):
        """Force with shadow data: a fix F (replace_set a) brings in
        lifecycle state x, a task sleeps in F's code (its variable
        allocated), then F is retired by a patch superseding a (listing
        x in retire_states) or disabled; the transition stalls and is
        forced: x leaves with its callbacks, but its variables stay
        ("forced: shadow variables kept"), and a carrier of x brought in
        later is refused."""
        m, r = self.m, self.r
        fs, sets, ids = self.fresh()
        ids = [x for x in ids if not m.shadow.get(x)]
        if m.trans or len(m.mods) > len(POOL) - 5 or not fs or len(sets) < 2 or not ids \
                or len(m.sleepers) > 2:
            return None
        a, b = r.sample(sets, 2)
        x = r.choice(ids)
        f = r.choice(fs)
        fix = self.carrier(x, f, a)
        name = [None]

        def sleep():
            if m.trans or not m.find(fix.name) or fix.name in m.sleepers or \
                    m.impl(f) != m.find(fix.name).id:
                return None
            return ("sleep", fix.name, f)

        def retire():
            if m.trans or not m.find(fix.name) or fix.name not in m.sleepers:
                return None
            if r.random() < 0.3:
                name[0] = fix.name
                return ("disable", fix.name)
            if not self.free_name():
                return None
            n = Spec(self.free_name())
            n.policy, n.replace_set, n.supersedes = "replace_set", b, [a]
            n.funcs, n.retire = {f}, [x]
            if r.random() < 0.3:
                n.also = [99]
            name[0] = n.name
            return ("load", n)

        def force():
            t = m.trans
            if not t or t.patch.name != name[0]:
                return None
            return ("force", t.patch.name)

        def wake():
            return ("wake", fix.name) if fix.name in m.sleepers else None

        def reload():
            if m.trans or not self.free_name():
                return None
            fs2, sets2, _ = self.fresh()
            if not fs2 or not sets2:
                return None
            return ("load", self.carrier(x, r.choice(fs2), r.choice(sets2)))
        self.queue = [sleep, retire, force, wake, reload]
        return ("load", fix)

    def scenario_mixed(self):
        """A patch declaring a state id old-style while an enabled patch
        declares it with callbacks and shadow variables, or the other
        way round: refused, whether it keeps or replaces that patch."""
        m, r = self.m, self.r
        cands = [(o, sid) for o in m.patches for sid in sorted(o.spec.states)]
        if m.trans or not self.free_name():
            return None
        old = [(o, sid) for o, sid in cands if sid not in o.spec.life]
        if not old and r.random() < 0.6:
            # an old-style carrier first, stacking where no scoped patch is
            ids = self.unscoped_funcs(ids=True)
            fs = self.unscoped_funcs()
            if not ids or not fs or len(m.mods) > len(POOL) - 3:
                return None
            k = Spec(self.free_name())
            k.policy = r.choice([None, "legacy", "hybrid"])
            k.replaceable = k.policy == "hybrid" and r.random() < 0.5
            k.funcs = {r.choice(fs)}
            sid = r.choice(ids)
            k.states = {sid: self.max_version(sid)}
            self.queue = [lambda: None if m.trans else self.scenario_mixed()]
            return ("load", k)
        if not cands:
            return None
        o, sid = r.choice(old if old and r.random() < 0.6 else cands)
        n = Spec(self.free_name())
        pol = o.spec.pol
        if r.random() < 0.5:
            # replacing o
            n.funcs = set(o.funcs)
            n.states = {i: self.max_version(i) for i in o.spec.states}
            n.life = set(o.spec.life)
            if pol == "replace_set":
                n.policy, n.replace_set = "replace_set", o.spec.replace_set
            elif pol == "tag":
                n.policy, n.tag = "tag", o.spec.tag or 1
            elif pol == "hybrid":
                n.policy, n.replace = "hybrid", True
            else:
                n.replace = True
        else:
            # keeping it: stacking where no scoped patch is
            fs = self.unscoped_funcs() or FUNCS
            n.policy = r.choice([None, "legacy", "hybrid"])
            n.funcs = {r.choice(fs)}
            n.states = {sid: self.max_version(sid)}
        if sid in o.spec.life:
            n.life.discard(sid)
        else:
            n.life.add(sid)
        return ("load", n)

    def scenario_omit(self):
        """A patch replacing across lines (superseding another set, tag t
        over tag 0, a legacy .replace over another policy's patch) that
        leaves out a lifecycle state of a patch it replaces: refused
        unless it lists it in retire_states (then, maybe, again with)."""
        m, r = self.m, self.r
        cands = [(o, sid) for o in m.patches for sid in sorted(o.spec.life)]
        if m.trans or not self.free_name():
            return None
        if not cands:
            # a fix bringing in a lifecycle state first
            fs, sets, ids = self.fresh()
            ids = [x for x in ids if not m.shadow.get(x)]
            if not fs or not sets or not ids or len(m.mods) > len(POOL) - 3:
                return None
            fix = self.carrier(r.choice(ids), r.choice(fs), r.choice(sets))
            self.queue = [lambda: None if m.trans or not m.find(fix.name) else self.scenario_omit()]
            return ("load", fix)
        o, sid = r.choice(cands)
        sets = [x for x in (3, 5, 7, 9, 11) if x != o.spec.replace_set]
        newset = r.choice(sets)
        tag = r.choice([1, 7])

        def build(retire):
            n = Spec(self.free_name())
            pol = o.spec.pol
            if pol == "replace_set":
                n.policy, n.replace_set = "replace_set", newset
                n.supersedes = [o.spec.replace_set]
                if r.random() < 0.3:
                    n.also = [99]
            elif pol == "tag" and o.spec.tag == 0:
                n.policy, n.tag = "tag", tag
            else:
                n.replace = True
                n.policy = r.choice([None, "legacy"])
            rep_ = [p for p in m.patches if m.replaces(n, p)]
            n.funcs = set().union(*[p.funcs for p in rep_]) if rep_ else {r.choice(FUNCS)}
            for p in rep_:
                for i in p.spec.states:
                    n.states[i] = self.max_version(i)
                    if i in p.spec.life:
                        n.life.add(i)
            n.states.pop(sid, None)
            n.life.discard(sid)
            if retire:
                n.retire = [sid]
            return ("load", n)
        first = r.random() < 0.5

        def again():
            if m.trans or not m.find(o.name) or first or not self.free_name():
                return None
            return build(True)
        self.queue = [again]
        return build(first)

    def scenario_kept(self):
        """A patch of another policy (legacy, hybrid; or tag) on a
        function a scoped patch (replace_set, tag) it keeps patches: the
        kept patch's policy refuses it."""
        m, r = self.m, self.r
        if m.trans or not self.free_name():
            return None
        scoped = [p for p in m.patches if p.spec.pol in ("replace_set", "tag")]
        if not scoped:
            n = self.rand_spec(self.free_name())
            return ("load", n) if n.pol in ("replace_set", "tag") else None
        o = r.choice(scoped)
        n = Spec(self.free_name())
        n.funcs = {r.choice(sorted(o.funcs))} if o.funcs else {r.choice(FUNCS)}
        n.policy = r.choice([None, "legacy", "hybrid", "tag" if o.spec.pol == "replace_set" else "hybrid"])
        n.replace = n.policy == "hybrid" and r.random() < 0.5
        return ("load", n)

    def scenario_busy(self):
        """A load during a transition that a rule refuses before -EBUSY
        for a legacy patch (the state rule), or after it for another
        policy (a state or a validate() refusal that comes too late)."""
        m, r = self.m, self.r
        known = sorted({sid for p in m.patches for sid in p.spec.states})
        if not m.trans or not self.free_name():
            return None
        n = Spec(self.free_name())
        n.funcs = self.rand_funcs()
        n.policy = r.choice([None, "legacy", None, "legacy", "replace_set", "tag", "hybrid"] if known
                            else ["replace_set", "tag", "hybrid"])
        if n.policy == "replace_set":
            n.replace_set = r.choice([0, 7])
            if not known or r.random() < 0.4:
                n.supersedes = [n.replace_set]        # validate() refuses it
        elif n.policy == "tag":
            n.tag = r.choice([0, 1, 7])
        if known:
            sid = r.choice(known)
            if n.policy in (None, "legacy", "hybrid") and r.random() < 0.4:
                n.replace = True                      # lacks the states
            elif self.max_version(sid) > 0:
                n.states = {sid: self.max_version(sid) - 1}
                self.rand_life(n)
        return ("load", n)

    def next_op(self):
        m, r = self.m, self.r
        while self.queue:
            op = self.queue.pop(0)()
            if op:
                return op
        free = [n for n in POOL if n not in m.mods]
        loaded = sorted(m.mods)
        in_list = [p.name for p in m.patches]
        removable = [n for n in loaded if not m.find(n) and n not in m.pinned]
        sl_cands = self.candidates_sleep()
        target_busy = any(s.func in TARGET_FUNCS for s in m.sleepers.values())
        stalled = m.trans is not None
        # a forced patch module stays: force less once they fill the pool
        roomy = len(free) > 5
        w = [
            ("load", (10 if stalled else 34) if free else 0),
            ("load_dup", 2 if loaded else 0),
            ("disable", (5 if stalled else 14) if in_list else 0),
            ("reverse", 10 if m.trans else 0),
            ("enable", 2 if in_list else 0),
            ("force", (5 if roomy else 1) if m.trans else 0),
            ("force_chain", (3 if roomy else 1) if m.trans else 0),
            ("force_bad", 1 if in_list else 0),
            ("rmmod", ((14 if roomy else 40) if removable else 2) if loaded else 0),
            ("tload", 4 if not m.target else 1),
            ("tunload", 3 if m.target and not target_busy else 0),
            ("sleep", 9 if sl_cands and len(m.sleepers) < 3 else 0),
            ("sleep_miss", 1),
            ("wake", (16 if m.trans else 5) if m.sleepers else 0),
            ("prmmod", 1),
            ("rmmod_pinned", 3 if m.pinned else 0),
            ("scenario", 13 if not stalled else 0),
            ("busy", 9 if stalled else 0),
        ]
        op = self.pick(w)
        if op in ("scenario", "busy"):
            # busy, or the next scenario in turn that is possible now
            for _ in SCENARIOS if op == "scenario" else [0]:
                sc = "busy" if op == "busy" else SCENARIOS[self.turn % len(SCENARIOS)]
                self.turn += op == "scenario"
                first = (sc != "deep" or roomy) and getattr(self, "scenario_" + sc)()
                if first:
                    return first
                self.queue = []
            op = self.pick([x for x in w if x[0] not in ("scenario", "busy")])
        if op == "load":
            return ("load", self.rand_spec(r.choice(free)))
        if op == "load_dup":
            return ("load", self.rand_spec(r.choice(loaded)))
        if op == "disable":
            if m.trans and r.random() < 0.5:
                return ("disable", m.trans.patch.name)
            return ("disable", r.choice(in_list))
        if op == "reverse":
            return ("disable" if m.trans.patch.enabled else "enable", m.trans.patch.name)
        if op == "enable":
            return ("enable", r.choice(in_list))
        if op == "force":
            return ("force", m.trans.patch.name)
        if op == "force_chain":
            # force, then reverse (and back, and again) before the
            # transition work runs
            return ("force", m.trans.patch.name, self.pick([(1, 2), (2, 4), (3, 2)]))
        if op == "force_bad":
            return ("force", r.choice(in_list))
        if op == "rmmod":
            if removable and r.random() < 0.85:
                return ("rmmod", r.choice(removable))
            return ("rmmod", r.choice(loaded))
        if op == "tload":
            return ("tload",)
        if op == "tunload":
            return ("rmmod", TARGET)
        if op == "sleep":
            return ("sleep",) + r.choice(sl_cands)
        if op == "sleep_miss":
            # a task that should not sleep: wrong owner or unpatched
            owners = [n for n in loaded if n not in m.sleepers]
            fs = [f for f in FUNCS if f not in TARGET_FUNCS or m.target]
            if not owners:
                return ("tload",) if not m.target else ("rmmod", HYBRID_MOD)
            return ("sleep", r.choice(owners), r.choice(fs))
        if op == "wake":
            return ("wake", r.choice(sorted(m.sleepers)))
        if op == "rmmod_pinned":
            return ("rmmod", r.choice(sorted(m.pinned)))
        if op == "prmmod":
            return ("rmmod", HYBRID_MOD)
        raise AssertionError(op)

    def apply(self, op):
        """Run op on the model; returns (plan words, expected obs, text)."""
        m = self.m
        trans_before = (id(m.trans), m.trans.target) if m.trans else None
        slept = None
        kind = op[0]
        LAST_WHY[0] = ""
        if kind == "load":
            spec = op[1]
            spec.life &= set(spec.states)
            if spec.fail not in spec.life:
                spec.fail = 0
            rc = m.op_load(spec)
            words = ["load", spec.name] + spec.args()
            text = "insmod %s %s" % (spec.name, " ".join(spec.args()))
        elif kind == "disable":
            rc = m.op_disable(op[1])
            words, text = ["disable", op[1]], "echo 0 > %s/enabled" % op[1]
        elif kind == "enable":
            rc = m.op_enable(op[1])
            words, text = ["enable", op[1]], "echo 1 > %s/enabled" % op[1]
        elif kind == "force" and len(op) > 2:
            p = m.find(op[1])
            en = 1 if p and p.enabled else 0
            text = "echo 1 > %s/force" % op[1]
            for i in range(op[2]):
                text += "; echo %d > %s/enabled" % ((en + i + 1) % 2, op[1])
            rc = m.op_force(op[1], op[2])
            words = ["force" + "-reverse" * op[2], op[1]]
        elif kind == "force":
            rc = m.op_force(op[1])
            words, text = ["force", op[1]], "echo 1 > %s/force" % op[1]
        elif kind == "rmmod":
            rc = m.op_rmmod(op[1])
            words, text = ["rmmod", op[1]], "rmmod %s" % op[1]
        elif kind == "tload":
            rc = m.op_tload()
            words, text = ["tload"], "insmod %s" % TARGET
        elif kind == "sleep":
            slept = m.op_sleep(op[1], op[2])
            rc = OK
            words = ["sleep", op[1], op[2]]
            text = "a task calls %s, sleeping in %s's code" % (FUNC_NAME[op[2]], op[1])
        elif kind == "wake":
            m.op_wake(op[1])
            rc = OK
            words, text = ["wake", op[1]], "wake the task sleeping in %s's code" % op[1]
        else:
            raise AssertionError(kind)
        # How long the guest waits: for a transition the model expects to
        # complete (settle), or a little while for one it expects to stay
        # stalled after this step started, reversed or unblocked it.
        if m.trans is None:
            wait = "settle"
        else:
            now = (id(m.trans), m.trans.target)
            changed = now != trans_before or kind in ("wake", "force")
            wait = "stall" if changed and rc == OK else "none"
        obs = "rc=%s %s" % (rc, m.observe())
        if slept is not None:
            obs += " s=%d" % slept
        elif kind == "wake":
            obs += " s=0"
        obs += " cb=%s" % m.take_events()
        m.observe_reads()
        tr = " (%s)" % LAST_WHY[0] if LAST_WHY[0] else ""
        if m.trans:
            tr += " [transition %s %s%s]" % (m.trans.patch.name, m.trans.target,
                                            " forced" if m.trans.forced else "")
        return words, wait, obs, text + tr

    def run(self, nsteps):
        for _ in range(nsteps):
            self.add(self.next_op())
        self.cleanup()

    def add(self, op):
        words, wait, obs, text = self.apply(op)
        self.steps.append((words, wait, obs, text))

    def cleanup(self):
        """Wake every task, end the transition, disable and remove all."""
        m = self.m
        for o in sorted(m.sleepers):
            self.add(("wake", o))
        if m.trans:
            self.add(("force", m.trans.patch.name))
        for p in list(reversed(m.patches)):
            if m.find(p.name):
                self.add(("disable", p.name))
                if m.trans:
                    self.add(("force", m.trans.patch.name))
        for n in sorted(m.mods):
            if n not in m.pinned:
                self.add(("rmmod", n))
        for n in sorted(m.pinned):
            self.add(("rmmod", n))        # a forced patch's module stays
        if m.target:
            self.add(("rmmod", TARGET))
        if m.hybrid:
            self.add(("rmmod", HYBRID_MOD))


def cmd_gen(a):
    g = Gen(a.seed)
    g.run(a.steps)
    with open(a.plan, "w") as pf, open(a.expect, "w") as ef:
        for i, (words, wait, obs, text) in enumerate(g.steps, 1):
            pf.write("%d %s %s\n" % (i, wait, " ".join(words)))
            ef.write("%d %s\t%s\n" % (i, obs, text))
    return 0


def parse_plan_line(line):
    """A plan line back into the generator's operation."""
    words = line.split()
    op, args = words[2], words[3:]
    if op == "load":
        n = Spec(args[0])
        n.funcs = set()
        kv = dict(w.split("=", 1) for w in args[1:])
        n.policy = kv.get("policy")
        n.replace = kv.get("replace") == "1"
        n.replace_set = int(kv.get("replace_set", 0))
        n.supersedes = [int(x) for x in kv["supersedes"].split(",")] if "supersedes" in kv else []
        n.tag = int(kv.get("replace_tag", 0))
        n.replaceable = kv.get("replaceable") == "1"
        n.params = kv.get("params")
        n.params_size = int(kv.get("params_size", 0))
        mask = int(kv.get("funcs", 1))
        n.funcs = {f for f in FUNCS if mask & FUNC_BIT[f]}
        if "state_ids" in kv:
            ids = [int(x) for x in kv["state_ids"].split(",")]
            n.states = dict(zip(ids, (int(x) for x in kv["state_vers"].split(","))))
            if "state_life" in kv:
                n.life = {i for i, x in zip(ids, kv["state_life"].split(",")) if x == "1"}
            n.fail = int(kv.get("state_fail", 0))
        if "retire_states" in kv:
            n.retire = [int(x) for x in kv["retire_states"].split(",")]
        n.foreign = int(kv.get("foreign_id", 0))
        if "also_supersede" in kv:
            n.also = [int(x) for x in kv["also_supersede"].split(",")]
        return ("load", n)
    if op in ("disable", "enable", "force", "rmmod", "wake"):
        return (op, args[0])
    if op.startswith("force-reverse"):
        return ("force", args[0], op.count("-reverse"))
    if op == "sleep":
        return ("sleep", args[0], args[1])
    return (op,)


def cmd_replay(a):
    """The model's expectations for an existing plan (e.g. under a mutant)."""
    MUTANT.update(a.mutant or [])
    g = Gen(0)
    with open(a.plan) as f:
        lines = [line for line in f if line.strip() and not line.startswith("#")]
    for line in lines:
        try:
            g.add(parse_plan_line(line))
        except AssertionError:
            # a mutant reaches a state the plan's generator never would
            g.steps.append(([], "none", "model=inconsistent", line.strip()))
    with open(a.expect, "w") as ef:
        for i, (words, wait, obs, text) in enumerate(g.steps, 1):
            ef.write("%d %s\t%s\n" % (i, obs, text))
    return 0


def cmd_check(a):
    exp = {}
    texts = {}
    with open(a.expect) as f:
        for line in f:
            num, rest = line.rstrip("\n").split(" ", 1)
            obs, text = rest.split("\t", 1)
            exp[int(num)] = obs
            texts[int(num)] = text
    got = {}
    with open(a.obs, errors="replace") as f:
        for line in f:
            line = line.strip()
            i = line.find("OBS ")
            if i < 0:
                continue
            parts = line[i + 4:].split(" ", 1)
            if len(parts) == 2 and parts[0].isdigit():
                got[int(parts[0])] = parts[1]
    seed = "" if a.seed is None else " seed %s" % a.seed
    for i in sorted(exp):
        if i not in got:
            print("DIVERGENCE%s at step %d: no observation (guest stopped or hung)" % (seed, i))
            history(texts, exp, got, i)
            return 1
        if got[i].startswith("rc=RACE "):
            # the guest stopped: not the kernel's fault, not a pass either
            print("RACE%s at step %d: the transition work ran inside the force-reverse chain "
                  "(the guest stopped there); run the seed again" % (seed, i))
            history(texts, exp, got, i)
            return 1
        if got[i] != exp[i]:
            print("DIVERGENCE%s at step %d" % (seed, i))
            history(texts, exp, got, i)
            e = dict(kv.split("=", 1) for kv in exp[i].split())
            g = dict(kv.split("=", 1) for kv in got[i].split() if "=" in kv)
            for k in e:
                if e[k] != g.get(k):
                    print("  %s: model %s, kernel %s" % (k, e[k], g.get(k)))
            return 1
    print("model check%s: %d steps, no divergence" % (seed, len(exp)))
    return 0


def history(texts, exp, got, upto):
    print("history (step: operation -> model's expectation):")
    for j in range(1, upto + 1):
        print("  %3d: %s" % (j, texts[j]))
        print("       model:  %s" % exp[j])
        if j == upto:
            print("       kernel: %s" % got.get(j, "(none)"))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("gen")
    g.add_argument("--seed", type=int, required=True)
    g.add_argument("--steps", type=int, default=200)
    g.add_argument("--plan", required=True)
    g.add_argument("--expect", required=True)
    c = sub.add_parser("check")
    c.add_argument("--expect", required=True)
    c.add_argument("--obs", required=True)
    c.add_argument("--seed")
    r = sub.add_parser("replay")
    r.add_argument("--plan", required=True)
    r.add_argument("--expect", required=True)
    r.add_argument("--mutant", action="append", choices=sorted(MUTANTS))
    a = ap.parse_args()
    return {"gen": cmd_gen, "check": cmd_check, "replay": cmd_replay}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
