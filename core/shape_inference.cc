#include "core/shape_inference.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/status.h"

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

absl::Status ValidatePartialShape(const PartialShape& s) {
  if (!s.known_rank) return absl::OkStatus();
  TG_REQUIRE(s.dims.size() <= static_cast<size_t>(kMaxRank), InvalidArgument,
             "shape of rank ", s.dims.size(), " has more than ", kMaxRank,
             " dimensions");
  for (int64_t d : s.dims) {
    TG_REQUIRE(d >= -1, InvalidArgument, "shape ", DimsString(s.dims),
               " has a negative dimension");
  }
  return absl::OkStatus();
}

absl::Status ShapeFromShapeTensor(const InferenceContext& c, int i,
                                  PartialShape* out) {
  const PartialShape& s = c.input(i);
  TG_REQUIRE(!s.known_rank || s.rank() == 1, InvalidArgument,
             "the shape input must be a vector, got shape ", s.DebugString());
  const Tensor* value = c.input_value(i);
  if (value == nullptr) {
    const int64_t n = s.known_rank ? s.dims[0] : -1;
    TG_REQUIRE(n <= kMaxRank, InvalidArgument, "a shape of ", n,
               " dimensions has more than ", kMaxRank);
    *out = n >= 0 ? PartialShape::UnknownDims(static_cast<int>(n))
                  : PartialShape::Unknown();
    return absl::OkStatus();
  }
  TG_REQUIRE(value->shape().rank() == 1, InvalidArgument,
             "the shape input must be a vector, got shape ",
             value->shape().DebugString());
  TG_ASSIGN_OR_RETURN(std::vector<int64_t> dims, TensorToInt64s(*value));
  *out = PartialShape::Of(dims);
  return ValidatePartialShape(*out);
}

}  // namespace tg
