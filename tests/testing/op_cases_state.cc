// Op cases for stateful ops (variables and optimizer updates) and random
// ops.
#include <cmath>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "ops/standard_ops.h"
#include "tests/testing/op_cases_internal.h"

namespace tg {
namespace testing {
namespace internal {

void AddUpdateCase(std::vector<OpCase>& c, std::string name,
                   std::vector<std::string> ops, GraphFn f,
                   std::vector<Tensor> in, ReferenceFn ref) {
  OpCase oc{std::move(name), std::move(ops), std::move(f), std::move(in),
            std::move(ref)};
  oc.check_gradient = false;
  oc.tolerance = 1e-12;
  c.push_back(oc);
}

// Updates of variables assigned from the inputs in the same run.
void AddStateCases(std::vector<OpCase>& c) {
  const TensorShape v{5};
  auto state = [&](std::string name, std::vector<std::string> ops, GraphFn f,
                   std::vector<Tensor> in, ReferenceFn ref) {
    AddUpdateCase(c, std::move(name), std::move(ops), std::move(f),
                  std::move(in), std::move(ref));
  };
  state(
      "Assign/fresh", {"VariableV2", "Assign"},
      [](const Scope& s, const Outs& x) {
        return AssignedVariable(s, x[0], "v");
      },
      Inputs({v}), Map1([](double x) { return x; }));
  state(
      "AssignAdd", {"AssignAdd"},
      [](const Scope& s, const Outs& x) {
        return ops::AssignAdd(s, AssignedVariable(s, x[0], "v"), x[1]);
      },
      Inputs({v, v}), Map2([](double a, double b) { return a + b; }));
  state(
      "AssignSub", {"AssignSub"},
      [](const Scope& s, const Outs& x) {
        return ops::AssignSub(s, AssignedVariable(s, x[0], "v"), x[1]);
      },
      Inputs({v, v}), Map2([](double a, double b) { return a - b; }));
  state(
      "ApplyGradientDescent", {"ApplyGradientDescent"},
      [](const Scope& s, const Outs& x) {
        return ops::ApplyGradientDescent(s, AssignedVariable(s, x[0], "v"), 0.3,
                                         x[1]);
      },
      Inputs({v, v}), Map2([](double w, double g) { return w - 0.3 * g; }));
  for (bool nesterov : {false, true}) {
    state(
        nesterov ? "ApplyMomentum/nesterov" : "ApplyMomentum",
        {"ApplyMomentum"},
        [nesterov](const Scope& s, const Outs& x) {
          return ops::ApplyMomentum(s, AssignedVariable(s, x[0], "v"),
                                    AssignedVariable(s, x[1], "accum"), 0.1,
                                    x[2], 0.9, nesterov);
        },
        Inputs({v, v, v}),
        [nesterov](const std::vector<Tensor>& in) {
          Vec r(5);
          for (int i = 0; i < 5; ++i) {
            const double g = in[2].flat<double>()[i];
            const double acc = 0.9 * in[1].flat<double>()[i] + g;
            r[i] = in[0].flat<double>()[i] -
                   (nesterov ? 0.1 * g + 0.1 * 0.9 * acc : 0.1 * acc);
          }
          return r;
        });
  }
  for (bool centered : {false, true}) {
    state(
        centered ? "ApplyCenteredRMSProp" : "ApplyRMSProp",
        {centered ? "ApplyCenteredRMSProp" : "ApplyRMSProp"},
        [centered](const Scope& s, const Outs& x) {
          Output var = AssignedVariable(s, x[0], "v");
          Output ms = AssignedVariable(s, x[1], "ms");
          Output mom = AssignedVariable(s, x[2], "mom");
          if (centered) {
            Output mg = AssignedVariable(s, ops::Mul(s, x[3], 0.1), "mg");
            return ops::ApplyCenteredRMSProp(s, var, mg, ms, mom, 0.1, 0.9, 0.5,
                                             1e-6, x[3]);
          }
          return ops::ApplyRMSProp(s, var, ms, mom, 0.1, 0.9, 0.5, 1e-6, x[3]);
        },
        Inputs({v, v, v, v}, 0.5, 1.5, false),
        [centered](const std::vector<Tensor>& in) {
          Vec r(5);
          for (int i = 0; i < 5; ++i) {
            const double g = in[3].flat<double>()[i];
            const double ms = 0.9 * in[1].flat<double>()[i] + 0.1 * g * g;
            const double mg = 0.9 * (0.1 * g) + 0.1 * g;
            const double denom = centered ? ms - mg * mg + 1e-6 : ms + 1e-6;
            const double mom =
                0.5 * in[2].flat<double>()[i] + 0.1 * g / std::sqrt(denom);
            r[i] = in[0].flat<double>()[i] - mom;
          }
          return r;
        });
  }
  state(
      "ApplyAdam", {"ApplyAdam"},
      [](const Scope& s, const Outs& x) {
        return ops::ApplyAdam(s, AssignedVariable(s, x[0], "v"),
                              AssignedVariable(s, x[1], "m"),
                              AssignedVariable(s, x[2], "vv"), 0.81, 0.998,
                              0.01, 0.9, 0.999, 1e-8, x[3]);
      },
      Inputs({v, v, v, v}, 0.5, 1.5, false),
      [](const std::vector<Tensor>& in) {
        Vec r(5);
        const double lr_t = 0.01 * std::sqrt(1 - 0.998) / (1 - 0.81);
        for (int i = 0; i < 5; ++i) {
          const double g = in[3].flat<double>()[i];
          const double m = 0.9 * in[1].flat<double>()[i] + 0.1 * g;
          const double vv = 0.999 * in[2].flat<double>()[i] + 0.001 * g * g;
          r[i] = in[0].flat<double>()[i] - lr_t * m / (std::sqrt(vv) + 1e-8);
        }
        return r;
      });
}

// Random ops: moments of 20,000 samples.
void AddRandomCases(std::vector<OpCase>& c) {
  auto moments = [](double lo, double hi, double mean, double var) {
    return [=](const Tensor& t) -> absl::Status {
      double s = 0, sq = 0;
      for (double x : t.flat<double>()) {
        if (x < lo || x > hi) {
          return absl::OutOfRangeError(
              absl::StrCat("sample ", x, " outside [", lo, ", ", hi, "]"));
        }
        s += x;
        sq += x * x;
      }
      const double n = static_cast<double>(t.NumElements());
      const double m = s / n, v = sq / n - m * m;
      if (std::abs(m - mean) > 0.03 || std::abs(v - var) > 0.03) {
        return absl::OutOfRangeError(absl::StrCat(
            "mean ", m, " variance ", v, ", expected ", mean, " and ", var));
      }
      return absl::OkStatus();
    };
  };
  for (const auto& [name, op, prop] :
       std::vector<std::tuple<std::string,
                              Output (*)(const Scope&, const Input&, DataType,
                                         int64_t, int64_t),
                              PropertyFn>>{
           {"RandomStandardNormal", ops::RandomStandardNormal,
            moments(-10, 10, 0, 1)},
           {"RandomUniform", ops::RandomUniform, moments(0, 1, 0.5, 1.0 / 12)},
           // Unit normal truncated at two sigma: variance 0.7737.
           {"TruncatedNormal", ops::TruncatedNormal,
            moments(-2, 2, 0, 0.7737)}}) {
    OpCase oc{name + "/moments",
              {name},
              [op = op](const Scope& s, const Outs&) {
                return op(s, {20000}, DT_DOUBLE, 3, 4);
              },
              {}};
    oc.property = prop;
    oc.check_gradient = false;
    c.push_back(oc);
  }
}

}  // namespace internal
}  // namespace testing
}  // namespace tg
