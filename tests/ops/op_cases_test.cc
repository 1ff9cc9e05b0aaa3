// The three checkers over the op-case table (tests/testing/op_cases.h) and
// the registry coverage test.
#include "tests/testing/op_cases.h"

#include <map>
#include <set>

#include "core/op_kernel.h"
#include "core/runtime/client_session.h"
#include "gmock/gmock.h"
#include "graph/gradients.h"
#include "gtest/gtest.h"
#include "ops/standard_ops.h"
#include "tests/testing/status_matchers.h"

namespace tg {
namespace testing {

void PrintTo(const OpCase& c, std::ostream* os) { *os << c.name; }

namespace {

constexpr double kGradientTolerance = 1e-6;

// Runs the case's graph on its inputs; the output as doubles.
absl::StatusOr<Tensor> RunCase(const OpCase& c, std::vector<Device*>* devices) {
  Scope root = Scope::NewRootScope();
  std::vector<Output> xs;
  ClientSession::FeedType feeds;
  for (size_t i = 0; i < c.inputs.size(); ++i) {
    xs.push_back(
        ops::Placeholder(root.WithOpName(absl::StrCat("x", i)), DT_DOUBLE,
                         PartialShape::FromShape(c.inputs[i].shape())));
  }
  Output y = c.build(root, xs);
  TG_RETURN_IF_ERROR(root.status());
  for (size_t i = 0; i < xs.size(); ++i) feeds[xs[i]] = c.inputs[i];
  ClientSession session(root);
  std::vector<Tensor> out;
  TG_RETURN_IF_ERROR(session.Run(feeds, {y}, &out));
  if (devices != nullptr) *devices = session.session()->devices();
  return out[0];
}

std::vector<double> ToDoubles(const Tensor& t) {
  std::vector<double> r;
  DispatchDataType(t.dtype(), [&](auto zero) {
    for (auto v : t.flat<decltype(zero)>()) r.push_back(static_cast<double>(v));
  });
  return r;
}

class OpCaseTest : public ::testing::TestWithParam<OpCase> {};

TEST_P(OpCaseTest, ForwardMatchesReference) {
  const OpCase& c = GetParam();
  TG_ASSERT_OK_AND_ASSIGN(Tensor out, RunCase(c, nullptr));
  if (c.property) {
    TG_EXPECT_OK(c.property(out));
    return;
  }
  const std::vector<double> want = c.reference(c.inputs);
  const std::vector<double> got = ToDoubles(out);
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_NEAR(got[i], want[i], c.tolerance * std::max(1.0, std::abs(want[i])))
        << "element " << i;
  }
}

class GradientCaseTest : public ::testing::TestWithParam<OpCase> {};

TEST_P(GradientCaseTest, MatchesCentralDifferences) {
  const OpCase& c = GetParam();
  TG_ASSERT_OK_AND_ASSIGN(double err, MaxGradientError(c.build, c.inputs));
  EXPECT_LT(err, kGradientTolerance);
}

std::vector<OpCase> DifferentiableCases() {
  std::vector<OpCase> out;
  for (const OpCase& c : AllOpCases()) {
    if (c.check_gradient) out.push_back(c);
  }
  return out;
}

std::string CaseName(const ::testing::TestParamInfo<OpCase>& info) {
  std::string n = info.param.name;
  for (char& ch : n) {
    if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return n;
}

INSTANTIATE_TEST_SUITE_P(Table, OpCaseTest, ::testing::ValuesIn(AllOpCases()),
                         CaseName);
INSTANTIATE_TEST_SUITE_P(Table, GradientCaseTest,
                         ::testing::ValuesIn(DifferentiableCases()), CaseName);

// Every case on every other device against /cpu:0:
// |other - cpu| <= atol + rtol |cpu|.
TEST(DeviceAgreementTest, EveryCaseMatchesCpu) {
  std::vector<Device*> devices;
  TG_ASSERT_OK_AND_ASSIGN(Tensor cpu, RunCase(AllOpCases()[0], &devices));
  if (devices.size() < 2) {
    GTEST_SKIP() << "only /device:CPU:0 here: no GPU device in this build or "
                    "machine, so there is nothing to compare against";
  }
  FAIL() << "a second device exists but the agreement checker does not "
            "compare against it yet";
}

// Every registered op has a CPU kernel, a gradient or an explicit
// not-differentiable mark, and a case in the table.
TEST(RegistryCoverageTest, EveryOpHasKernelGradientAndCase) {
  std::set<std::string> covered;
  for (const OpCase& c : AllOpCases())
    covered.insert(c.ops.begin(), c.ops.end());
  for (const std::string& op : OpRegistry::Global()->ListOps()) {
    bool cpu = false;
    for (const KernelDef* k : KernelRegistry::Global()->KernelsFor(op)) {
      cpu |= k->device_type == kDeviceCpu;
    }
    EXPECT_TRUE(cpu) << op << " has no CPU kernel";
    EXPECT_TRUE(GradOpRegistry::Global()->IsRegistered(op))
        << op << " has neither a gradient nor a not-differentiable mark";
    EXPECT_TRUE(covered.count(op))
        << op << " has no case in tests/testing/op_cases.cc";
  }
}

// Every differentiable op is gradient-checked on at least two cases (two
// shapes, or two settings of its attrs).
TEST(RegistryCoverageTest, DifferentiableOpsHaveTwoGradientCases) {
  std::map<std::string, int> count;
  for (const OpCase& c : AllOpCases()) {
    if (c.check_gradient && !c.ops.empty()) ++count[c.ops[0]];
  }
  for (const std::string& op : OpRegistry::Global()->ListOps()) {
    absl::StatusOr<GradFunc> fn = GradOpRegistry::Global()->Lookup(op);
    if (!fn.ok() || *fn == nullptr) continue;
    // Its gradient is an error by design.
    if (op == "PreventGradient") continue;
    EXPECT_GE(count[op], 2)
        << op << " has " << count[op] << " gradient-checked cases";
  }
}

// Second order: the gradient of a gradient.
TEST(SecondOrderGradientTest, ElementwiseAndMatMul) {
  const std::vector<std::pair<std::string, GraphFn>> fns = {
      {"Sigmoid",
       [](const Scope& s, const std::vector<Output>& x) {
         return ops::Sigmoid(s, x[0]);
       }},
      {"Tanh", [](const Scope& s,
                  const std::vector<Output>& x) { return ops::Tanh(s, x[0]); }},
      {"Exp", [](const Scope& s,
                 const std::vector<Output>& x) { return ops::Exp(s, x[0]); }},
      {"MatMul",
       [](const Scope& s, const std::vector<Output>& x) {
         return ops::MatMul(s, ops::Square(s, x[0]), x[0]);
       }},
  };
  for (const auto& [name, f] : fns) {
    GraphFn grad = [f = f](const Scope& s, const std::vector<Output>& x) {
      Output y = f(s, x);
      std::vector<Output> g;
      s.UpdateStatus(AddSymbolicGradients(s, {y}, {x[0]}, &g));
      return g.empty() ? Output() : g[0];
    };
    TG_ASSERT_OK_AND_ASSIGN(
        double err,
        MaxGradientError(grad, {RandomTensor({3, 3}, 0.2, 1.0, 5, true)}));
    EXPECT_LT(err, kGradientTolerance) << name;
  }
}

}  // namespace
}  // namespace testing
}  // namespace tg
