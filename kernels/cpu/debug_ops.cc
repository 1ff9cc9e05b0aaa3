// CheckNumerics on the CPU: one pass counting NaN and Inf, then the input
// forwarded unchanged.
#include <cmath>

#include "absl/strings/str_cat.h"
#include "core/op_kernel.h"

namespace tg {
namespace {

template <typename T>
class CheckNumericsCpu : public OpKernel {
 public:
  absl::Status Init(OpKernelConstruction& c) override {
    TG_ASSIGN_OR_RETURN(message_, c.GetAttr<std::string>("message"));
    return absl::OkStatus();
  }
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& x = ctx.input(0);
    bool nan = false, inf = false;
    for (T v : x.flat<T>()) {
      nan |= std::isnan(v);
      inf |= std::isinf(v);
    }
    TG_REQUIRE(!nan && !inf, InvalidArgument, SafeText(message_),
               " : Tensor had ",
               inf && nan ? "Inf and NaN" : (nan ? "NaN" : "Inf"), " values");
    ctx.set_output(0, x);
    return absl::OkStatus();
  }

 private:
  std::string message_;
};
TG_REGISTER_KERNEL(CpuKernel("CheckNumerics").TypeConstraint<float>("T"),
                   CheckNumericsCpu<float>);
TG_REGISTER_KERNEL(CpuKernel("CheckNumerics").TypeConstraint<double>("T"),
                   CheckNumericsCpu<double>);

}  // namespace
}  // namespace tg
