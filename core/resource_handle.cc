#include "core/resource_handle.h"

#include "absl/strings/str_cat.h"
#include "core/status.h"

namespace tg {

std::string ResourceHandle::VariableKey() const {
  if (container.empty() || container == "localhost") return name;
  return absl::StrCat(container, "/", name);
}

std::string ResourceHandle::DebugString() const {
  if (container.empty() || container == "localhost") {
    return absl::StrCat("'", SafeText(name), "'");
  }
  return absl::StrCat("'", SafeText(name), "' (container '",
                      SafeText(container), "')");
}

void ResourceHandleToProto(const ResourceHandle& h, ResourceHandleProto* p) {
  p->Clear();
  p->set_container(h.container);
  p->set_name(h.name);
  if (h.dtype != ::tensorgraph::DT_INVALID) {
    auto* ds = p->add_dtypes_and_shapes();
    ds->set_dtype(h.dtype);
    h.shape.ToProto(ds->mutable_shape());
  }
}

ResourceHandle ResourceHandleFromProto(const ResourceHandleProto& p) {
  ResourceHandle h;
  h.container = p.container();
  h.name = p.name();
  if (p.dtypes_and_shapes_size() > 0) {
    h.dtype = p.dtypes_and_shapes(0).dtype();
    h.shape = PartialShape::FromProto(p.dtypes_and_shapes(0).shape());
  }
  return h;
}

}  // namespace tg
