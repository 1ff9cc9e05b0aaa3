// Helpers shared by the files of the op-case table: input makers, builder
// adapters and plain-loop references.
#ifndef TG_TESTS_TESTING_OP_CASES_INTERNAL_H_
#define TG_TESTS_TESTING_OP_CASES_INTERNAL_H_

#include <functional>
#include <string>
#include <vector>

#include "tests/testing/op_cases.h"

namespace tg {
namespace testing {
namespace internal {

using Outs = std::vector<Output>;
using Vec = std::vector<double>;
using UnaryBuilder = Output (*)(const Scope&, const Input&);
using BinaryBuilder = Output (*)(const Scope&, const Input&, const Input&);

Vec D(const Tensor& t);  // The values of a double tensor.
// Random double inputs in [lo, hi] (random sign when `sign`).
std::vector<Tensor> Inputs(std::vector<TensorShape> shapes, double lo = 0.2,
                           double hi = 1.0, bool sign = true);
// f over NumPy-broadcast pairs of a and b.
Vec Broadcast2(const Tensor& a, const Tensor& b,
               const std::function<double(double, double)>& f);
ReferenceFn Map1(std::function<double(double)> f);
ReferenceFn Map2(std::function<double(double, double)> f);
GraphFn Unary(UnaryBuilder op);
GraphFn Binary(BinaryBuilder op);
GraphFn AsDouble(GraphFn f);  // The output cast to double.
double Sigmoid(double x);
Vec Reduce(const Tensor& t, std::vector<int> axes, bool mean, bool prod);
Vec ReduceMaxMin(const Tensor& t, std::vector<int> axes, bool is_max);
Vec MatMulRef(const Tensor& a, const Tensor& b, bool ta, bool tb);
Vec BiasAddRef(const Tensor& v, const Tensor& b, int axis);
Vec SoftmaxRows(const Vec& x, int64_t cols);
std::vector<int32_t> Labels(int64_t batch, int64_t classes);
// A variable assigned from x0 in the same run, as a reference input.
Output AssignedVariable(const Scope& s, const Output& x0, const char* name);
// The multi-index of flat element i of `shape`, and back.
std::vector<int64_t> Unravel(int64_t i, const TensorShape& shape);
int64_t Ravel(const std::vector<int64_t>& index, const TensorShape& shape);

void AddManipCases(std::vector<OpCase>& c);
void AddSlicingCases(std::vector<OpCase>& c);
void AddGatherCases(std::vector<OpCase>& c);
void AddStridedSliceCases(std::vector<OpCase>& c);
void AddSecondCases(std::vector<OpCase>& c);
void AddStateCases(std::vector<OpCase>& c);
// A case of a variable update: not differentiable, compared to 1e-12.
void AddUpdateCase(std::vector<OpCase>& c, std::string name,
                   std::vector<std::string> ops, GraphFn f,
                   std::vector<Tensor> in, ReferenceFn ref);
void AddTf2Cases(std::vector<OpCase>& c);
void AddControlFlowCases(std::vector<OpCase>& c);
void AddResourceVariableCases(std::vector<OpCase>& c);
void AddDivisionAndIoCases(std::vector<OpCase>& c);
void AddRandomCases(std::vector<OpCase>& c);
void AddConvolutionCases(std::vector<OpCase>& c);
void AddPoolingCases(std::vector<OpCase>& c);

}  // namespace internal
}  // namespace testing
}  // namespace tg

#endif  // TG_TESTS_TESTING_OP_CASES_INTERNAL_H_
