// Op cases for control flow: conditionals (Switch and Merge, gradients
// checked numerically through them), loops (Enter, Merge, LoopCond,
// Switch, NextIteration, Exit; not differentiable), a ControlTrigger that
// runs on dead inputs, the Ref forms carrying a variable, and ToBool. Each
// reference is plain arithmetic on the inputs.
#include <cmath>

#include "graph/op_builder.h"
#include "ops/control_flow_ops.h"
#include "ops/standard_ops.h"
#include "tests/testing/op_cases_internal.h"

namespace tg {
namespace testing {
namespace internal {
namespace {

// The first result of a cond or loop; a null Output (the case fails) when
// building it failed.
Output First(const absl::StatusOr<std::vector<Output>>& r, int i = 0) {
  return r.ok() ? (*r)[i] : Output();
}

Output Truth(const Scope& s, bool value) {
  return ops::Less(s, ops::ScalarConst(s, value ? 0 : 1, DT_DOUBLE),
                   ops::ScalarConst(s, 0.5, DT_DOUBLE));
}

// then: x0 * x0 + x1; else: x1 * x1 - x0 (outer tensors captured).
GraphFn CondCase(bool pred) {
  return [pred](const Scope& s, const Outs& x) {
    return First(ops::Cond(
        s, Truth(s, pred),
        [&](const Scope& t) -> absl::StatusOr<std::vector<Output>> {
          return Outs{ops::Add(t, ops::Mul(t, x[0], x[0]), x[1])};
        },
        [&](const Scope& e) -> absl::StatusOr<std::vector<Output>> {
          return Outs{ops::Sub(e, ops::Mul(e, x[1], x[1]), x[0])};
        }));
  };
}

// then: 3 x0; else: zeros (x1 is used by neither, x0 by one branch).
GraphFn OneSidedCase(bool pred) {
  return [pred](const Scope& s, const Outs& x) {
    Output sum = First(ops::Cond(
        s, Truth(s, pred),
        [&](const Scope& t) -> absl::StatusOr<std::vector<Output>> {
          return Outs{ops::Mul(t, x[0], ops::ScalarConst(t, 3, DT_DOUBLE))};
        },
        [&](const Scope& e) -> absl::StatusOr<std::vector<Output>> {
          return Outs{ops::ZerosLike(e, x[0])};
        }));
    return ops::Add(s, sum, ops::Mul(s, x[1], x[1]));
  };
}

// acc = x0; for i in [0, n): acc = acc * 0.5 + x1 (x1 a loop invariant).
GraphFn LoopCase(int n) {
  return [n](const Scope& s, const Outs& x) {
    return First(
        ops::WhileLoop(
            s,
            [n](const Scope& c, const Outs& v) -> absl::StatusOr<Output> {
              return ops::Less(c, v[0], n);
            },
            [&](const Scope& b, const Outs& v) -> absl::StatusOr<Outs> {
              return Outs{ops::Add(b, v[0], 1),
                          ops::Add(b, ops::Mul(b, v[1], 0.5), x[1])};
            },
            {ops::ScalarConst(s, 0, DT_INT32), x[0]}),
        1);
  };
}

ReferenceFn LoopReference(int n) {
  return [n](const std::vector<Tensor>& in) {
    Vec acc = D(in[0]);
    const Vec x1 = D(in[1]);
    for (int i = 0; i < n; ++i) {
      for (size_t k = 0; k < acc.size(); ++k) acc[k] = acc[k] * 0.5 + x1[k];
    }
    return acc;
  };
}

// Outer 2 iterations, inner 3: acc += x1 six times.
Output NestedLoop(const Scope& s, const Outs& x) {
  auto less = [](int n) {
    return [n](const Scope& c, const Outs& v) -> absl::StatusOr<Output> {
      return ops::Less(c, v[0], n);
    };
  };
  return First(
      ops::WhileLoop(
          s, less(2),
          [&](const Scope& b, const Outs& v) -> absl::StatusOr<Outs> {
            ops::WhileLoopOptions inner;
            inner.name = "inner";
            absl::StatusOr<Outs> r = ops::WhileLoop(
                b, less(3),
                [&](const Scope& ib, const Outs& w) -> absl::StatusOr<Outs> {
                  return Outs{ops::Add(ib, w[0], 1), ops::Add(ib, w[1], x[1])};
                },
                {ops::ScalarConst(b, 0, DT_INT32), v[1]}, inner);
            if (!r.ok()) return r.status();
            return Outs{ops::Add(b, v[0], 1), (*r)[1]};
          },
          {ops::ScalarConst(s, 0, DT_INT32), x[0]}),
      1);
}

// x0 after a ControlTrigger whose only input is dead.
Output TriggerAfterDead(const Scope& s, const Outs& x) {
  ops::SwitchOutputs sw = ops::Switch(s, x[0], Truth(s, false));
  Output dead = ops::Identity(s, sw.output_true);
  Operation trigger =
      OpBuilder(s.WithControlDependencies({dead.op()}), "ControlTrigger")
          .Finalize();
  return ops::Identity(s.WithControlDependencies({trigger}), x[0]);
}

// A variable (assigned x0) through RefSwitch and RefMerge.
Output RefCond(const Scope& s, const Outs& x) {
  Output v = AssignedVariable(s, x[0], "v");
  Operation sw =
      OpBuilder(s, "RefSwitch").Input(v).Input(Truth(s, true)).Finalize();
  Operation merge = OpBuilder(s, "RefMerge")
                        .InputList({Output(sw.node(), 0), Output(sw.node(), 1)})
                        .Finalize();
  return ops::Identity(s, Output(merge.node(), 0));
}

// A variable (assigned x0) carried through a loop of 3 iterations by
// reference, and read as a loop invariant by RefEnter: 3 * x0 + x0.
Output RefLoop(const Scope& s, const Outs& x) {
  Output v = AssignedVariable(s, x[0], "v");
  const std::string frame = "refloop";
  auto enter = [&](const Input& in, bool ref, bool constant) {
    return Output(OpBuilder(s, ref ? "RefEnter" : "Enter")
                      .Input(in)
                      .Attr("frame_name", frame)
                      .Attr("is_constant", constant)
                      .Finalize()
                      .node());
  };
  Output i0 = enter(ops::ScalarConst(s, 0, DT_INT32), false, false);
  Output ref0 = enter(v, true, false);
  Output invariant = enter(v, true, true);
  Output acc0 = enter(ops::ZerosLike(s, x[0]), false, false);
  ops::MergeOutputs mi = ops::Merge(s, {i0, i0});
  Operation mref = OpBuilder(s, "RefMerge").InputList({ref0, ref0}).Finalize();
  ops::MergeOutputs macc = ops::Merge(s, {acc0, acc0});
  // Constants in the loop run once per iteration: gated on the loop.
  const Scope in_loop = s.WithControlDependencies({mi.output.op()});
  Output cond = ops::LoopCond(s, ops::Less(in_loop, mi.output, 3));
  ops::SwitchOutputs si = ops::Switch(s, mi.output, cond);
  Operation sref = OpBuilder(s, "RefSwitch")
                       .Input(Output(mref.node(), 0))
                       .Input(cond)
                       .Finalize();
  ops::SwitchOutputs sacc = ops::Switch(s, macc.output, cond);
  Output next_i = ops::NextIteration(s, ops::Add(in_loop, si.output_true, 1));
  Operation next_ref =
      OpBuilder(s, "RefNextIteration").Input(Output(sref.node(), 1)).Finalize();
  Output next_acc = ops::NextIteration(
      s, ops::Add(s, sacc.output_true, ops::Identity(s, invariant)));
  Graph* g = s.graph();
  if (!s.ok() || !g->ReplaceInput(next_i.node(), 0, mi.output.node(), 1).ok() ||
      !g->ReplaceInput(next_ref.node(), 0, mref.node(), 1).ok() ||
      !g->ReplaceInput(next_acc.node(), 0, macc.output.node(), 1).ok()) {
    return Output();
  }
  Output acc = ops::Exit(s, sacc.output_false);
  Operation ref_out =
      OpBuilder(s, "RefExit").Input(Output(sref.node(), 0)).Finalize();
  return ops::Add(s, acc, ops::Identity(s, Output(ref_out.node(), 0)));
}

}  // namespace

void AddControlFlowCases(std::vector<OpCase>& c) {
  const auto shapes = Inputs({TensorShape{3, 2}, TensorShape{3, 2}});
  for (bool pred : {true, false}) {
    const std::string side = pred ? "then" : "else";
    c.push_back({"Switch/cond_" + side,
                 {"Switch", "Merge"},
                 CondCase(pred),
                 shapes,
                 [pred](const std::vector<Tensor>& in) {
                   return Broadcast2(in[0], in[1], [pred](double a, double b) {
                     return pred ? a * a + b : b * b - a;
                   });
                 }});
    c.push_back({"Merge/one_sided_" + side,
                 {"Merge", "Switch", "ZerosLike"},
                 OneSidedCase(pred),
                 shapes,
                 [pred](const std::vector<Tensor>& in) {
                   return Broadcast2(in[0], in[1], [pred](double a, double b) {
                     return (pred ? 3 * a : 0.0) + b * b;
                   });
                 }});
  }
  for (int n : {0, 1, 4}) {
    OpCase loop{
        "Enter/loop_" + std::to_string(n),
        {"Enter", "Merge", "LoopCond", "Switch", "NextIteration", "Exit"},
        LoopCase(n),
        shapes,
        LoopReference(n)};
    loop.check_gradient = false;  // Loop gradients are not supported.
    c.push_back(loop);
  }
  OpCase nested{"NextIteration/nested_loops",
                {"NextIteration", "Enter", "Exit", "LoopCond"},
                NestedLoop,
                shapes,
                [](const std::vector<Tensor>& in) {
                  return Broadcast2(in[0], in[1], [](double a, double b) {
                    return a + 6 * b;
                  });
                }};
  nested.check_gradient = false;
  c.push_back(nested);
  OpCase trigger{"ControlTrigger/after_dead",
                 {"ControlTrigger"},
                 TriggerAfterDead,
                 Inputs({TensorShape{4}}),
                 [](const std::vector<Tensor>& in) { return D(in[0]); }};
  trigger.check_gradient = false;
  c.push_back(trigger);
  OpCase ref_cond{"RefSwitch/cond",
                  {"RefSwitch", "RefMerge"},
                  RefCond,
                  Inputs({TensorShape{3}}),
                  [](const std::vector<Tensor>& in) { return D(in[0]); }};
  ref_cond.check_gradient = false;
  c.push_back(ref_cond);
  OpCase ref_loop{
      "RefEnter/loop",
      {"RefEnter", "RefNextIteration", "RefExit", "RefSwitch", "RefMerge"},
      RefLoop,
      Inputs({TensorShape{3}}),
      [](const std::vector<Tensor>& in) {
        Vec v = D(in[0]);
        for (double& e : v) e *= 4;
        return v;
      }};
  ref_loop.check_gradient = false;
  c.push_back(ref_loop);
  for (const TensorShape& shape : {TensorShape{}, TensorShape{2, 3}}) {
    OpCase to_bool{
        "ToBool/rank" + std::to_string(shape.rank()),
        {"ToBool"},
        [](const Scope& s, const Outs& x) {
          return ops::Cast(s, OpBuilder(s, "ToBool").Input(x[0]).Finalize(),
                           DT_DOUBLE);
        },
        Inputs({shape}),
        [](const std::vector<Tensor>& in) {
          const Vec v = D(in[0]);
          return Vec{in[0].shape().rank() == 0 ? (v[0] != 0 ? 1.0 : 0.0) : 1.0};
        }};
    to_bool.check_gradient = false;
    c.push_back(to_bool);
  }
}

}  // namespace internal
}  // namespace testing
}  // namespace tg
