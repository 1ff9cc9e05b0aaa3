// The three checkers over the op-case table (tests/testing/op_cases.h) and
// the registry coverage test.
#include "tests/testing/op_cases.h"

#include <map>
#include <set>

#include "absl/strings/match.h"
#include "core/op_kernel.h"
#include "gmock/gmock.h"
#include "graph/gradients.h"
#include "gtest/gtest.h"
#include "ops/standard_ops.h"
#include "runtime/client_session.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_device.h"

namespace tg {
namespace testing {

void PrintTo(const OpCase& c, std::ostream* os) { *os << c.name; }

namespace {

constexpr double kGradientTolerance = 1e-6;

// What one run of a case gives: its output and where its nodes ran.
struct CaseRun {
  Tensor output;
  std::vector<std::string> devices;  // The session's device names.
  RunMetadata metadata;
  std::shared_ptr<const Graph> graph;
};

// Runs the case's graph on its inputs, with `options` (a default device).
absl::StatusOr<CaseRun> RunCaseOn(const OpCase& c,
                                  const SessionOptions& options) {
  Scope root = Scope::NewRootScope();
  std::vector<Output> xs;
  std::vector<std::pair<std::string, Tensor>> feeds;
  for (size_t i = 0; i < c.inputs.size(); ++i) {
    xs.push_back(
        ops::Placeholder(root.WithOpName(absl::StrCat("x", i)), DT_DOUBLE,
                         PartialShape::FromShape(c.inputs[i].shape())));
    feeds.emplace_back(xs.back().name(), c.inputs[i]);
  }
  Output y = c.build(root, xs);
  TG_RETURN_IF_ERROR(root.status());
  CaseRun run;
  run.graph = root.graph_as_shared_ptr();
  TG_ASSIGN_OR_RETURN(auto session, Session::Create(run.graph, options));
  std::vector<Tensor> out;
  TG_RETURN_IF_ERROR(session->Run(feeds, {y.name()}, {}, &out, &run.metadata));
  for (const Device* d : session->devices()) run.devices.push_back(d->name());
  run.output = out[0];
  return run;
}

absl::StatusOr<Tensor> RunCase(const OpCase& c) {
  TG_ASSIGN_OR_RETURN(CaseRun run, RunCaseOn(c, SessionOptions()));
  return run.output;
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
  TG_ASSERT_OK_AND_ASSIGN(Tensor out, RunCase(c));
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

// Every case on every other device against /cpu:0, in shapes and values:
// |other - cpu| <= tol (1 + |cpu|). The TEST device runs the CPU's own
// kernels, so it must agree exactly; a GPU within 1e-6 (float32 kernels
// accumulate differently). Random ops agree exactly on TEST (same seed, same
// generator); on a GPU only their property is checked. The case's own ops
// must have run on the device, where it has a kernel for them.
TEST(DeviceAgreementTest, EveryCaseMatchesCpu) {
  TG_ASSERT_OK_AND_ASSIGN(CaseRun first,
                          RunCaseOn(AllOpCases()[0], SessionOptions()));
  std::vector<std::string> others;
  for (const std::string& d : first.devices) {
    if (!absl::StrContains(d, kDeviceCpu) && absl::EndsWith(d, ":0")) {
      others.push_back(d);
    }
  }
  ASSERT_FALSE(others.empty()) << "the TEST device is linked in: it must exist";
  for (const std::string& device : others) {
    TG_ASSERT_OK_AND_ASSIGN(DeviceSpec spec, ParseDeviceSpec(device));
    const std::string type = spec.type;
    const bool exact = type == kDeviceTest;
    SessionOptions on_device;
    on_device.placement.default_device = device;
    int placed_on_device = 0;
    for (const OpCase& c : AllOpCases()) {
      SCOPED_TRACE(absl::StrCat(c.name, " on ", device));
      TG_ASSERT_OK_AND_ASSIGN(CaseRun cpu, RunCaseOn(c, SessionOptions()));
      TG_ASSERT_OK_AND_ASSIGN(CaseRun other, RunCaseOn(c, on_device));
      for (const auto& [node, where] : other.metadata.placement) {
        // Nodes the graph passes made (folded constants) are not in the
        // case's graph; the case's own ops are never folded (their inputs
        // are fed).
        const Node* n = other.graph->FindNode(node);
        if (n == nullptr) continue;
        if (std::find(c.ops.begin(), c.ops.end(), n->op()) == c.ops.end()) {
          continue;
        }
        const bool has_kernel =
            KernelRegistry::Global()->Find(n->def(), type).ok();
        if (has_kernel) {
          EXPECT_EQ(where, device) << node;
          ++placed_on_device;
        }
      }
      ASSERT_EQ(other.output.shape(), cpu.output.shape());
      ASSERT_EQ(other.output.dtype(), cpu.output.dtype());
      if (c.property && !exact) {
        TG_EXPECT_OK(c.property(other.output));
        continue;
      }
      const std::vector<double> want = ToDoubles(cpu.output);
      const std::vector<double> got = ToDoubles(other.output);
      const double tol = exact ? 0.0 : 1e-6;
      for (size_t i = 0; i < want.size(); ++i) {
        if (std::isnan(want[i])) {
          EXPECT_TRUE(std::isnan(got[i])) << "element " << i;
          continue;
        }
        EXPECT_LE(std::abs(got[i] - want[i]), tol * (1 + std::abs(want[i])))
            << "element " << i << ": " << got[i] << " vs " << want[i];
      }
    }
    // The TEST device has every kernel the CPU has: nearly every case ran
    // there, so the checker compared devices, not the CPU with itself.
    if (exact) {
      EXPECT_GT(placed_on_device, static_cast<int>(AllOpCases().size()) / 2)
          << device;
    }
  }
}

// Every registered op has a CPU kernel, a gradient or an explicit
// not-differentiable mark, and a case in the table.
TEST(RegistryCoverageTest, EveryOpHasKernelGradientAndCase) {
  std::set<std::string> covered;
  for (const OpCase& c : AllOpCases())
    covered.insert(c.ops.begin(), c.ops.end());
  for (const std::string& op : OpRegistry::Global()->ListOps()) {
    // Calls are inlined when a graph is imported (graph/functions.h): they
    // never run as kernels; tests/graph/functions_test.cc covers them.
    if (op == "PartitionedCall" || op == "StatefulPartitionedCall") continue;
    // Functional control flow is lowered to Switch/Merge and loop frames at
    // import (graph/lower_control_flow.h); its tests are in
    // tests/graph/functional_control_flow_test.cc.
    // A receive needs a sender in another process:
    // tests/distributed/collective_test.sh.
    if (op == "CollectiveBcastRecvV2") continue;
    if (op == "If" || op == "StatelessIf" || op == "Case" ||
        op == "StatelessCase" || op == "While" || op == "StatelessWhile") {
      continue;
    }
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
    // Loop gradients are refused by design (naming the node); a loop's
    // cases check its forward values.
    if (op == "Enter" || op == "Exit" || op == "NextIteration" ||
        op == "LoopCond") {
      continue;
    }
    // Their gradients go to a resource handle, which no case feeds; they
    // are checked against analytic gradients in resource_variables_test.cc.
    if (op == "ReadVariableOp" || op == "ResourceGather") continue;
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
