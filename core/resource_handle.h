// The element of a DT_RESOURCE tensor: which resource (a resource
// variable) a handle names, as TensorFlow's ResourceHandle does. Two
// handles with the same container and name name the same variable; dtype
// and shape say what it holds (DT_INVALID / unknown when not known).
#ifndef TG_CORE_RESOURCE_HANDLE_H_
#define TG_CORE_RESOURCE_HANDLE_H_

#include <string>

#include "core/shape_inference.h"
#include "core/types.h"
#include "proto/resource_handle.pb.h"

namespace tg {

using ::tensorgraph::ResourceHandleProto;

struct ResourceHandle {
  std::string container;  // Empty: the default container.
  std::string name;
  DataType dtype = ::tensorgraph::DT_INVALID;
  PartialShape shape = PartialShape::Unknown();

  // The key of the variable in a session's variable store: the name, with
  // a non-default container before it ("c/name").
  std::string VariableKey() const;
  // "container 'c', name 'v'" or "'v'", for messages.
  std::string DebugString() const;
};

template <>
struct DataTypeToEnum<ResourceHandle> {
  static constexpr DataType value = ::tensorgraph::DT_RESOURCE;
};

void ResourceHandleToProto(const ResourceHandle& h, ResourceHandleProto* p);
ResourceHandle ResourceHandleFromProto(const ResourceHandleProto& p);

}  // namespace tg

#endif  // TG_CORE_RESOURCE_HANDLE_H_
