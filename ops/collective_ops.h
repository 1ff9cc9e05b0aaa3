// Builders of TensorFlow's collective ops (ops/collective_ops.cc). The keys
// are scalar int32 inputs as in TensorFlow's V2 ops: `group_size`
// processes of group `group_key` take part, and every one of them runs the
// call with the same `instance_key` (each collective of a step its own).
#ifndef TG_OPS_COLLECTIVE_OPS_H_
#define TG_OPS_COLLECTIVE_OPS_H_

#include <string>

#include "graph/scope.h"

namespace tg {
namespace ops {

struct CollectiveKeys {
  int group_size = 1;
  int group_key = 1;
  int instance_key = 1;
  float timeout_seconds = 0;  // 0: the context's default.
};

// Every process's `input` merged elementwise (`merge_op` "Add", "Mul",
// "Min", "Max"), then divided by the group's size when `final_op` is "Div".
Output CollectiveReduce(const Scope& s, const Input& input,
                        const CollectiveKeys& keys,
                        const std::string& merge_op = "Add",
                        const std::string& final_op = "Id");
// Sends `input` to the group; outputs it.
Output CollectiveBcastSend(const Scope& s, const Input& input,
                           const CollectiveKeys& keys);
// Receives the tensor of dtype `dtype` and shape `shape` one process sends.
Output CollectiveBcastRecv(const Scope& s, DataType dtype, const Input& shape,
                           const CollectiveKeys& keys);

}  // namespace ops
}  // namespace tg

#endif  // TG_OPS_COLLECTIVE_OPS_H_
