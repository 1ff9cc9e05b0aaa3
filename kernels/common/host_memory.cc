#include "kernels/common/host_memory.h"

#include <map>

namespace tg {
namespace {

using Table = std::map<std::string, std::vector<std::string>, std::less<>>;

const Table& HostMemoryTable() {
  static const Table* const table = new Table{
      {"ArgMax", {"dimension"}},
      {"LoopCond", {"input", "output"}},
      {"Merge", {"value_index"}},
      {"RefMerge", {"value_index"}},
      {"RefSwitch", {"pred"}},
      {"Switch", {"pred"}},
      {"ToBool", {"input", "output"}},
      {"AvgPoolGrad", {"orig_input_shape"}},
      {"BroadcastGradientArgs", {"s0", "s1", "r0", "r1"}},
      {"BroadcastTo", {"shape"}},
      {"Conv2DBackpropFilter", {"filter_sizes"}},
      {"Conv2DBackpropInput", {"input_sizes"}},
      {"DepthwiseConv2dNativeBackpropFilter", {"filter_sizes"}},
      {"DepthwiseConv2dNativeBackpropInput", {"input_sizes"}},
      {"CollectiveBcastRecvV2",
       {"group_size", "group_key", "instance_key", "shape"}},
      {"CollectiveBcastSendV2", {"group_size", "group_key", "instance_key"}},
      {"CollectiveReduceV2",
       {"group_size", "group_key", "instance_key", "ordering_token"}},
      {"ConcatV2", {"axis"}},
      {"DynamicStitch", {"indices"}},
      {"ExpandDims", {"dim"}},
      {"Fill", {"dims"}},
      // The indices stay on the device, which checks them.
      {"GatherV2", {"axis"}},
      {"InvertPermutation", {"x", "y"}},
      {"Max", {"reduction_indices"}},
      {"Mean", {"reduction_indices"}},
      {"Min", {"reduction_indices"}},
      {"OneHot", {"depth"}},
      {"Pad", {"paddings"}},
      {"Prod", {"reduction_indices"}},
      {"Range", {"start", "limit", "delta"}},
      {"Rank", {"output"}},
      {"Reshape", {"shape"}},
      {"Shape", {"output"}},
      {"Size", {"output"}},
      {"Slice", {"begin", "size"}},
      {"Split", {"split_dim"}},
      {"StridedSlice", {"begin", "end", "strides"}},
      {"StridedSliceGrad", {"shape", "begin", "end", "strides"}},
      {"Sum", {"reduction_indices"}},
      {"Tile", {"multiples"}},
      {"Transpose", {"perm"}},
      {"UnsortedSegmentSum", {"num_segments"}},
  };
  return *table;
}

}  // namespace

const std::vector<std::string>& DeviceHostMemoryArgs(absl::string_view op) {
  static const std::vector<std::string>* const none =
      new std::vector<std::string>();
  const Table& t = HostMemoryTable();
  auto it = t.find(op);
  return it == t.end() ? *none : it->second;
}

std::vector<std::string> OpsWithHostMemoryArgs() {
  std::vector<std::string> ops;
  for (const auto& [op, args] : HostMemoryTable()) ops.push_back(op);
  return ops;
}

}  // namespace tg
