// The op-case table: each case says how to build an op (from placeholders
// fed with the case's inputs), which op types it exercises, and how to
// check it. One table drives three checkers (tests/ops/op_cases_test.cc):
// forward values against a plain reference computed here without
// tensorgraph, the numeric gradient check in double precision, and
// agreement between /cpu:0 and every other device.
#ifndef TG_TESTS_TESTING_OP_CASES_H_
#define TG_TESTS_TESTING_OP_CASES_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/tensor.h"
#include "tests/testing/gradient_checker.h"

namespace tg {
namespace testing {

// Reference values of the case's output, as doubles, from its inputs.
using ReferenceFn =
    std::function<std::vector<double>(const std::vector<Tensor>&)>;
// For ops without a deterministic reference (random ops): a property the
// output must have.
using PropertyFn = std::function<absl::Status(const Tensor& output)>;

struct OpCase {
  std::string name;              // "Exp/matrix"
  std::vector<std::string> ops;  // op types the case exercises
  GraphFn build;
  std::vector<Tensor> inputs;  // DT_DOUBLE, fed to placeholders x0, x1, ...
  ReferenceFn reference;       // either this...
  PropertyFn property;         // ...or this
  bool check_gradient = true;  // false for ops that are not differentiable
  double tolerance = 1e-9;     // forward, relative to max(1, |reference|)
};

const std::vector<OpCase>& AllOpCases();

}  // namespace testing
}  // namespace tg

#endif  // TG_TESTS_TESTING_OP_CASES_H_
