// Op cases for what TensorFlow 2 graphs bring: resource variables (each
// case assigns the inputs to variables through handles, runs the op, then
// reads the result back) and IdentityN (what an inlined call leaves).
#include <cmath>

#include "absl/strings/str_cat.h"
#include "graph/op_builder.h"
#include "ops/standard_ops.h"
#include "tests/testing/op_cases_internal.h"

namespace tg {
namespace testing {
namespace internal {
namespace {

// A handle to variable `name`, assigned `value` in the run; the op that
// assigns it.
struct Assigned {
  Output handle;
  Operation assign;
};
Assigned AssignedResource(const Scope& s, const Output& value,
                          const std::string& name) {
  Output h = ops::VarHandleOp(s.WithOpName(name), DT_DOUBLE,
                              PartialShape::Unknown(), "rv_" + name);
  return {h, ops::AssignVariableOp(s, h, value)};
}

// The variable's value once `after` has run.
Output ReadAfter(const Scope& s, const Output& handle,
                 std::vector<Operation> after) {
  return ops::ReadVariableOp(s.WithControlDependencies(after), handle,
                             DT_DOUBLE);
}

// An update op (no outputs) of the variables assigned from x[0..n).
using Update =
    std::function<Operation(const Scope&, const Outs& handles, const Outs& x)>;
GraphFn Updated(int num_vars, Update update) {
  return [num_vars, update](const Scope& s, const Outs& x) {
    Outs handles;
    std::vector<Operation> assigns;
    for (int i = 0; i < num_vars; ++i) {
      Assigned a = AssignedResource(s, x[i], "v" + std::to_string(i));
      handles.push_back(a.handle);
      assigns.push_back(a.assign);
    }
    Operation op = update(s.WithControlDependencies(assigns), handles, x);
    return ReadAfter(s, handles[0], {op});
  };
}

Operation Apply(const Scope& s, const std::string& op, const Outs& handles,
                const std::vector<Input>& rest) {
  OpBuilder b(s, op);
  for (const Output& h : handles) b.Input(h);
  for (const Input& in : rest) b.Input(in);
  return b.Finalize();
}

}  // namespace

void AddTf2Cases(std::vector<OpCase>& c) {
  for (int k : {0, 1}) {
    c.push_back({"IdentityN/output" + std::to_string(k),
                 {"IdentityN"},
                 [k](const Scope& s, const Outs& x) {
                   AttrValue types;
                   types.mutable_list()->add_type(DT_DOUBLE);
                   types.mutable_list()->add_type(DT_DOUBLE);
                   Operation op = OpBuilder(s, "IdentityN")
                                      .InputList({x[0], x[1]})
                                      .Attr("T", types)
                                      .Finalize();
                   return Output(op.node(), k);
                 },
                 Inputs({TensorShape{3, 2}, TensorShape{4}}),
                 [k](const std::vector<Tensor>& in) { return D(in[k]); }});
  }
  AddResourceVariableCases(c);
  // Collectives in a process running alone (a group of 1): the input
  // itself; tests/distributed/ runs them across processes.
  for (const char* final_op : {"Id", "Div"}) {
    c.push_back(
        {absl::StrCat("CollectiveReduceV2/", final_op),
         {"CollectiveReduceV2"},
         [final_op](const Scope& s, const Outs& x) {
           return ops::CollectiveReduce(s, x[0], {1, 1, 3}, "Add", final_op);
         },
         Inputs({TensorShape{2, 3}}),
         [](const std::vector<Tensor>& in) { return D(in[0]); }});
  }
  OpCase send{"CollectiveBcastSendV2/alone",
              {"CollectiveBcastSendV2"},
              [](const Scope& s, const Outs& x) {
                return ops::CollectiveBcastSend(s, x[0], {1, 1, 4});
              },
              Inputs({TensorShape{4}}),
              [](const std::vector<Tensor>& in) { return D(in[0]); }};
  send.check_gradient = false;
  c.push_back(send);
}

void AddResourceVariableCases(std::vector<OpCase>& c) {
  const TensorShape v{5};
  AddUpdateCase(c, "AssignVariableOp",
                {"VarHandleOp", "AssignVariableOp", "ReadVariableOp"},
                Updated(1, [](const Scope& s, const Outs&,
                              const Outs&) { return ops::NoOp(s); }),
                Inputs({v}), Map1([](double x) { return x; }));
  AddUpdateCase(c, "AssignAddVariableOp", {"AssignAddVariableOp"},
                Updated(1,
                        [](const Scope& s, const Outs& h, const Outs& x) {
                          return ops::AssignAddVariableOp(s, h[0], x[1]);
                        }),
                Inputs({v, v}), Map2([](double a, double b) { return a + b; }));
  AddUpdateCase(c, "AssignSubVariableOp", {"AssignSubVariableOp"},
                Updated(1,
                        [](const Scope& s, const Outs& h, const Outs& x) {
                          return ops::AssignSubVariableOp(s, h[0], x[1]);
                        }),
                Inputs({v, v}), Map2([](double a, double b) { return a - b; }));
  AddUpdateCase(
      c, "DisableCopyOnRead", {"DisableCopyOnRead"},
      Updated(1,
              [](const Scope& s, const Outs& h, const Outs&) {
                return OpBuilder(s, "DisableCopyOnRead").Input(h[0]).Finalize();
              }),
      Inputs({v}), Map1([](double x) { return x; }));
  // Initialized after the assignment, not after a destroy: 1 then 0.
  for (bool destroy : {false, true}) {
    AddUpdateCase(
        c, destroy ? "DestroyResourceOp" : "VarIsInitializedOp",
        {destroy ? "DestroyResourceOp" : "VarIsInitializedOp"},
        [destroy](const Scope& s, const Outs& x) {
          Assigned a = AssignedResource(s, x[0], "v");
          std::vector<Operation> after = {a.assign};
          if (destroy) {
            after = {ops::DestroyResourceOp(
                s.WithControlDependencies({a.assign}), a.handle)};
          }
          return ops::Cast(s,
                           ops::VarIsInitializedOp(
                               s.WithControlDependencies(after), a.handle),
                           DT_DOUBLE);
        },
        Inputs({v}),
        [destroy](const std::vector<Tensor>&) {
          return Vec{destroy ? 0.0 : 1.0};
        });
  }
  AddUpdateCase(
      c, "ResourceGather", {"ResourceGather"},
      [](const Scope& s, const Outs& x) {
        Assigned a = AssignedResource(s, x[0], "v");
        return ops::ResourceGather(s.WithControlDependencies({a.assign}),
                                   a.handle, ops::Const(s, {2, 0, 2}),
                                   DT_DOUBLE);
      },
      Inputs({TensorShape{4, 3}}),
      [](const std::vector<Tensor>& in) {
        const Vec x = D(in[0]);
        Vec r;
        for (int row : {2, 0, 2}) {
          for (int j = 0; j < 3; ++j) r.push_back(x[row * 3 + j]);
        }
        return r;
      });
  // The updates, from the variables' and slots' assigned values.
  AddUpdateCase(
      c, "ResourceApplyGradientDescent", {"ResourceApplyGradientDescent"},
      Updated(1,
              [](const Scope& s, const Outs& h, const Outs& x) {
                return Apply(s, "ResourceApplyGradientDescent", {h[0]},
                             {Input(0.3), x[1]});
              }),
      Inputs({v, v}), Map2([](double w, double g) { return w - 0.3 * g; }));
  AddUpdateCase(c, "ResourceApplyMomentum", {"ResourceApplyMomentum"},
                Updated(2,
                        [](const Scope& s, const Outs& h, const Outs& x) {
                          return Apply(s, "ResourceApplyMomentum", {h[0], h[1]},
                                       {Input(0.1), x[2], Input(0.9)});
                        }),
                Inputs({v, v, v}), [](const std::vector<Tensor>& in) {
                  const Vec w = D(in[0]), acc = D(in[1]), g = D(in[2]);
                  Vec r(w.size());
                  for (size_t i = 0; i < w.size(); ++i) {
                    r[i] = w[i] - 0.1 * (0.9 * acc[i] + g[i]);
                  }
                  return r;
                });
  AddUpdateCase(
      c, "ResourceApplyRMSProp", {"ResourceApplyRMSProp"},
      Updated(3,
              [](const Scope& s, const Outs& h, const Outs& x) {
                return Apply(
                    s, "ResourceApplyRMSProp", {h[0], h[1], h[2]},
                    {Input(0.01), Input(0.9), Input(0.5), Input(1e-6), x[3]});
              }),
      Inputs({v, v, v, v}, 0.5, 1.5, false), [](const std::vector<Tensor>& in) {
        const Vec w = D(in[0]), ms = D(in[1]), mom = D(in[2]), g = D(in[3]);
        Vec r(w.size());
        for (size_t i = 0; i < w.size(); ++i) {
          const double ms1 = 0.9 * ms[i] + 0.1 * g[i] * g[i];
          r[i] = w[i] - (0.5 * mom[i] + 0.01 * g[i] / std::sqrt(ms1 + 1e-6));
        }
        return r;
      });
  AddUpdateCase(
      c, "ResourceApplyCenteredRMSProp", {"ResourceApplyCenteredRMSProp"},
      // mg is assigned 0.1 * x1, so the mean square stays above mg^2.
      [](const Scope& s, const Outs& x) {
        Outs h;
        std::vector<Operation> assigns;
        const Outs values = {x[0], ops::Mul(s, x[1], 0.1), x[2], x[3]};
        for (int i = 0; i < 4; ++i) {
          Assigned a = AssignedResource(s, values[i], "c" + std::to_string(i));
          h.push_back(a.handle);
          assigns.push_back(a.assign);
        }
        Operation op = Apply(
            s.WithControlDependencies(assigns), "ResourceApplyCenteredRMSProp",
            h, {Input(0.01), Input(0.9), Input(0.5), Input(1e-6), x[4]});
        return ReadAfter(s, h[0], {op});
      },
      Inputs({v, v, v, v, v}, 0.5, 1.5, false),
      [](const std::vector<Tensor>& in) {
        // Centered: the mean gradient mg (x1) is taken off the mean square.
        const Vec w = D(in[0]), mg = D(in[1]), ms = D(in[2]), mom = D(in[3]),
                  g = D(in[4]);
        Vec r(w.size());
        for (size_t i = 0; i < w.size(); ++i) {
          const double ms1 = 0.9 * ms[i] + 0.1 * g[i] * g[i];
          const double mg1 = 0.9 * (0.1 * mg[i]) + 0.1 * g[i];
          const double denom = ms1 + 1e-6 - mg1 * mg1;
          r[i] = w[i] - (0.5 * mom[i] + 0.01 * g[i] / std::sqrt(denom));
        }
        return r;
      });
  AddUpdateCase(
      c, "ResourceApplyAdam", {"ResourceApplyAdam"},
      Updated(3,
              [](const Scope& s, const Outs& h, const Outs& x) {
                return Apply(s, "ResourceApplyAdam", {h[0], h[1], h[2]},
                             {Input(0.81), Input(0.998), Input(0.01),
                              Input(0.9), Input(0.999), Input(1e-8), x[3]});
              }),
      Inputs({v, v, v, v}, 0.5, 1.5, false), [](const std::vector<Tensor>& in) {
        const Vec w = D(in[0]), m = D(in[1]), vv = D(in[2]), g = D(in[3]);
        const double lr_t = 0.01 * std::sqrt(1 - 0.998) / (1 - 0.81);
        Vec r(w.size());
        for (size_t i = 0; i < w.size(); ++i) {
          const double m1 = 0.9 * m[i] + 0.1 * g[i];
          const double v1 = 0.999 * vv[i] + 0.001 * g[i] * g[i];
          r[i] = w[i] - lr_t * m1 / (std::sqrt(v1) + 1e-8);
        }
        return r;
      });
}

}  // namespace internal
}  // namespace testing
}  // namespace tg
