"""tg_fuzz_target: one fuzz target, two ways to build it.

With --config=fuzz (clang, libFuzzer, ASan + UBSan; see scripts/fuzz.sh) the
binary is a libFuzzer fuzzer. Otherwise it links replay_main.cc and a test,
NAME_replay, runs it over the inputs kept in fuzz/regressions/NAME (every
crash a fuzzer found) and fuzz/seeds/NAME (hand-made seeds), so the normal
suite, and --config=asan, replays them all.
"""

def tg_fuzz_target(name, srcs, deps = []):
    native.cc_binary(
        name = name,
        srcs = srcs,
        deps = deps + ["//fuzz:fuzz_input"] + select({
            "//fuzz:fuzzing": [],
            "//conditions:default": ["//fuzz:replay_main"],
        }),
        linkopts = select({
            "//fuzz:fuzzing": ["-fsanitize=fuzzer"],
            "//conditions:default": [],
        }),
    )
    native.sh_test(
        name = name + "_replay",
        size = "small",
        srcs = ["replay_test.sh"],
        args = ["$(location :%s)" % name, "fuzz/regressions/" + name, "fuzz/seeds/" + name],
        data = [":" + name] + native.glob([
            "regressions/%s/**" % name,
            "seeds/%s/**" % name,
        ]),
    )
