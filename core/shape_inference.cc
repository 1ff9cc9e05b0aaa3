#include "core/shape_inference.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace tg {

PartialShape PartialShape::FromProto(const ::tensorgraph::TensorShapeProto& p) {
  if (p.unknown_rank()) return Unknown();
  PartialShape s{true, {}};
  for (const auto& d : p.dim()) s.dims.push_back(d.size() < 0 ? -1 : d.size());
  return s;
}

bool PartialShape::IsFullyDefined() const {
  if (!known_rank) return false;
  for (int64_t d : dims) {
    if (d < 0) return false;
  }
  return true;
}

bool PartialShape::IsCompatibleWith(const TensorShape& shape) const {
  if (!known_rank) return true;
  if (shape.rank() != rank()) return false;
  for (int i = 0; i < rank(); ++i) {
    if (dims[i] >= 0 && dims[i] != shape.dim_size(i)) return false;
  }
  return true;
}

void PartialShape::ToProto(::tensorgraph::TensorShapeProto* p) const {
  p->Clear();
  if (!known_rank) {
    p->set_unknown_rank(true);
    return;
  }
  for (int64_t d : dims) p->add_dim()->set_size(d);
}

std::string PartialShape::DebugString() const {
  if (!known_rank) return "<unknown>";
  return absl::StrCat(
      "[",
      absl::StrJoin(dims, ",",
                    [](std::string* out, int64_t d) {
                      out->append(d < 0 ? "?" : absl::StrCat(d));
                    }),
      "]");
}

InferenceContext::InferenceContext(const AttrMap* attrs,
                                   std::vector<PartialShape> inputs,
                                   std::vector<const Tensor*> input_values,
                                   int num_outputs)
    : attrs_(attrs),
      inputs_(std::move(inputs)),
      input_values_(std::move(input_values)),
      outputs_(num_outputs) {
  input_values_.resize(inputs_.size(), nullptr);
}

absl::Status InferenceContext::WithRank(int i, int rank,
                                        PartialShape* out) const {
  const PartialShape& s = inputs_[i];
  if (!s.known_rank) {
    *out = PartialShape::UnknownDims(rank);
    return absl::OkStatus();
  }
  if (s.rank() != rank) {
    return absl::InvalidArgumentError(
        absl::StrCat("input ", i, " must have rank ", rank, " but has shape ",
                     s.DebugString()));
  }
  *out = s;
  return absl::OkStatus();
}

absl::Status BroadcastShapes(const PartialShape& a, const PartialShape& b,
                             PartialShape* out) {
  if (!a.known_rank || !b.known_rank) {
    *out = PartialShape::Unknown();
    return absl::OkStatus();
  }
  const int rank = std::max(a.rank(), b.rank());
  PartialShape r = PartialShape::UnknownDims(rank);
  for (int i = 0; i < rank; ++i) {
    const int ia = i - (rank - a.rank());
    const int ib = i - (rank - b.rank());
    const int64_t da = ia >= 0 ? a.dims[ia] : 1;
    const int64_t db = ib >= 0 ? b.dims[ib] : 1;
    if (da == 1) {
      r.dims[i] = db;
    } else if (db == 1) {
      r.dims[i] = da;
    } else if (da < 0 || db < 0) {
      r.dims[i] = da < 0 ? db : da;  // The known one, if any, must win.
    } else if (da == db) {
      r.dims[i] = da;
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("shapes ", a.DebugString(), " and ", b.DebugString(),
                       " cannot be broadcast together"));
    }
  }
  *out = std::move(r);
  return absl::OkStatus();
}

absl::Status UnchangedShape(InferenceContext& c) {
  c.set_output(0, c.input(0));
  return absl::OkStatus();
}

absl::Status ScalarShape(InferenceContext& c) {
  c.set_output(0, PartialShape::Scalar());
  return absl::OkStatus();
}

absl::Status UnknownShape(InferenceContext& c) {
  for (int i = 0; i < c.num_outputs(); ++i) {
    c.set_output(i, PartialShape::Unknown());
  }
  return absl::OkStatus();
}

absl::Status BroadcastBinaryShape(InferenceContext& c) {
  PartialShape out;
  TG_RETURN_IF_ERROR(BroadcastShapes(c.input(0), c.input(1), &out));
  c.set_output(0, std::move(out));
  return absl::OkStatus();
}

absl::Status NoOutputsShape(InferenceContext&) { return absl::OkStatus(); }

}  // namespace tg
