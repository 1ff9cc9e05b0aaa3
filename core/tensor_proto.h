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

// Fails with InvalidArgument on an unsupported dtype, a bad shape, a content
// length that does not match, or more typed values than elements (as
// TensorFlow does); with ResourceExhausted when the declared shape does not
// fit in `allocator` (a one-value proto may declare any size). Into device
// memory it decodes on the host, then copies. Bool bytes
// other than 0 and 1 read as true.
absl::StatusOr<Tensor> TensorFromProto(const ::tensorgraph::TensorProto& proto,
                                       Allocator* allocator = CpuAllocator());

// The number of values the proto's typed field for its dtype holds (the
// length of tensor_content in elements when that is set).
int64_t TensorProtoValueCount(const ::tensorgraph::TensorProto& proto);

// Writes `tensor_content` for more than one element of a fixed-width type and
// the typed field otherwise (as TensorFlow's C++ writer does).
void TensorToProto(const Tensor& tensor, ::tensorgraph::TensorProto* proto);

}  // namespace tg

#endif  // TG_CORE_TENSOR_PROTO_H_
