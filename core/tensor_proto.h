// Conversion between Tensor and TensorProto with TensorFlow's rules:
// `tensor_content` wins when non-empty and must hold exactly
// num_elements * sizeof(dtype) bytes; otherwise the dtype's typed field is
// used, where no values means zeros and fewer values than elements repeats
// the last one (the "broadcast" form `tf.constant(0.0, shape=[784, 10])` is
// stored in).
#ifndef TG_CORE_TENSOR_PROTO_H_
#define TG_CORE_TENSOR_PROTO_H_

#include "absl/status/statusor.h"
#include "core/tensor.h"
#include "proto/tensor.pb.h"

namespace tg {

// Fails with InvalidArgument on an unsupported dtype, a bad shape, or a
// content length that does not match.
absl::StatusOr<Tensor> TensorFromProto(const ::tensorgraph::TensorProto& proto);

// Writes `tensor_content` for more than one element of a fixed-width type and
// the typed field otherwise (as TensorFlow's C++ writer does).
void TensorToProto(const Tensor& tensor, ::tensorgraph::TensorProto* proto);

}  // namespace tg

#endif  // TG_CORE_TENSOR_PROTO_H_
