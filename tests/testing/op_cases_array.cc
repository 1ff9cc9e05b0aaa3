// Op cases for array manipulation, slicing and joining.
#include <cmath>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "ops/standard_ops.h"
#include "tests/testing/op_cases_internal.h"

namespace tg {
namespace testing {
namespace internal {
namespace {

Vec TransposeRef(const Tensor& t, const std::vector<int>& perm) {
  const int rank = t.shape().rank();
  std::vector<int64_t> out_dims(rank);
  for (int d = 0; d < rank; ++d) out_dims[d] = t.shape().dim_size(perm[d]);
  Vec r(t.NumElements());
  for (int64_t i = 0; i < t.NumElements(); ++i) {
    // Output index of element i, then the input index it reads.
    std::vector<int64_t> idx(rank);
    int64_t rem = i;
    for (int d = rank - 1; d >= 0; --d) {
      idx[d] = rem % out_dims[d];
      rem /= out_dims[d];
    }
    std::vector<int64_t> in_idx(rank);
    for (int d = 0; d < rank; ++d) in_idx[perm[d]] = idx[d];
    int64_t src = 0;
    for (int d = 0; d < rank; ++d)
      src = src * t.shape().dim_size(d) + in_idx[d];
    r[i] = t.flat<double>()[src];
  }
  return r;
}

}  // namespace

void AddManipCases(std::vector<OpCase>& c) {
  const TensorShape m{3, 4};
  auto identity = Map1([](double x) { return x; });
  auto forward_only = [&](OpCase oc) {
    oc.check_gradient = false;
    c.push_back(std::move(oc));
  };
  c.push_back({"ExpandDims/middle",
               {"ExpandDims"},
               [](const Scope& s, const Outs& x) {
                 return ops::ExpandDims(s, x[0], 1);
               },
               Inputs({m}),
               identity});
  c.push_back({"ExpandDims/last",
               {"ExpandDims"},
               [](const Scope& s, const Outs& x) {
                 return ops::ExpandDims(s, x[0], -1);
               },
               Inputs({m}),
               identity});
  c.push_back({"Squeeze/given",
               {"Squeeze"},
               [](const Scope& s, const Outs& x) {
                 return ops::Squeeze(s, x[0], {0, 2});
               },
               Inputs({TensorShape{1, 4, 1}}),
               identity});
  c.push_back(
      {"Squeeze/all",
       {"Squeeze"},
       [](const Scope& s, const Outs& x) { return ops::Squeeze(s, x[0]); },
       Inputs({TensorShape{1, 3, 1, 2}}),
       identity});
  forward_only({"Rank/rank3",
                {"Rank"},
                AsDouble([](const Scope& s, const Outs& x) {
                  return ops::Rank(s, x[0]);
                }),
                Inputs({TensorShape{2, 3, 2}}),
                [](const std::vector<Tensor>&) { return Vec{3}; }});
  forward_only({"Size/rank3",
                {"Size"},
                AsDouble([](const Scope& s, const Outs& x) {
                  return ops::Size(s, x[0]);
                }),
                Inputs({TensorShape{2, 3, 2}}),
                [](const std::vector<Tensor>&) { return Vec{12}; }});
  forward_only({"Range/int",
                {"Range"},
                AsDouble([](const Scope& s, const Outs&) {
                  return ops::Range(s, 3, 12, 4);
                }),
                {},
                [](const std::vector<Tensor>&) {
                  return Vec{3, 7, 11};
                }});
  forward_only({"Range/float_down",
                {"Range"},
                AsDouble([](const Scope& s, const Outs&) {
                  return ops::Range(s, 1.0f, -0.5f, -0.5f);
                }),
                {},
                [](const std::vector<Tensor>&) {
                  return Vec{1, 0.5, 0};
                }});
  for (const std::vector<int>& perm :
       std::vector<std::vector<int>>{{1, 0}, {2, 0, 1}}) {
    const TensorShape shape =
        perm.size() == 2 ? TensorShape{3, 4} : TensorShape{2, 3, 4};
    c.push_back({absl::StrCat("Transpose/rank", perm.size()),
                 {"Transpose", "InvertPermutation"},
                 [perm](const Scope& s, const Outs& x) {
                   return ops::Transpose(
                       s, x[0],
                       Tensor::FromVector<int32_t>({perm.begin(), perm.end()}));
                 },
                 Inputs({shape}),
                 [perm](const std::vector<Tensor>& in) {
                   return TransposeRef(in[0], perm);
                 }});
  }
  forward_only({"InvertPermutation/four",
                {"InvertPermutation"},
                AsDouble([](const Scope& s, const Outs&) {
                  return ops::InvertPermutation(s, {2, 0, 3, 1});
                }),
                {},
                [](const std::vector<Tensor>&) {
                  return Vec{1, 3, 0, 2};
                }});
  // The condition is x0 > 0.5 elementwise (Select) or per row (both).
  c.push_back({"Select/elementwise",
               {"Select"},
               [](const Scope& s, const Outs& x) {
                 return ops::Select(s, ops::Greater(s, x[0], 0.5), x[1], x[2]);
               },
               Inputs({m, m, m}),
               [](const std::vector<Tensor>& in) {
                 Vec r(12);
                 for (int i = 0; i < 12; ++i) {
                   r[i] = in[0].flat<double>()[i] > 0.5
                              ? in[1].flat<double>()[i]
                              : in[2].flat<double>()[i];
                 }
                 return r;
               }});
  c.push_back({"Select/rows",
               {"Select"},
               [](const Scope& s, const Outs& x) {
                 return ops::Select(s, ops::Greater(s, x[0], 0.5), x[1], x[2]);
               },
               Inputs({TensorShape{3}, m, m}),
               [](const std::vector<Tensor>& in) {
                 Vec r(12);
                 for (int i = 0; i < 12; ++i) {
                   r[i] = in[0].flat<double>()[i / 4] > 0.5
                              ? in[1].flat<double>()[i]
                              : in[2].flat<double>()[i];
                 }
                 return r;
               }});
  // A scalar condition picks t or e whole (both ways: x0 is -0.3 or 0.7).
  for (double pick : {-0.3, 0.7}) {
    OpCase whole{pick > 0.5 ? "Select/scalar_true" : "Select/scalar_false",
                 {"Select"},
                 [](const Scope& s, const Outs& x) {
                   return ops::Select(s, ops::Greater(s, x[0], 0.5), x[1],
                                      x[2]);
                 },
                 Inputs({TensorShape{}, m, m}),
                 [](const std::vector<Tensor>& in) {
                   return D(in[0].flat<double>()[0] > 0.5 ? in[1] : in[2]);
                 }};
    whole.inputs[0].flat<double>()[0] = pick;
    c.push_back(whole);
  }
  c.push_back({"SelectV2/broadcast",
               {"SelectV2"},
               [](const Scope& s, const Outs& x) {
                 return ops::SelectV2(s, ops::Greater(s, x[0], 0.5), x[1],
                                      x[2]);
               },
               Inputs({TensorShape{3, 1}, TensorShape{4}, m}),
               [](const std::vector<Tensor>& in) {
                 Vec r(12);
                 for (int i = 0; i < 12; ++i) {
                   r[i] = in[0].flat<double>()[i / 4] > 0.5
                              ? in[1].flat<double>()[i % 4]
                              : in[2].flat<double>()[i];
                 }
                 return r;
               }});
  for (int axis : {0, 1, -1}) {
    c.push_back({absl::StrCat("Pack/axis", axis),
                 {"Pack"},
                 [axis](const Scope& s, const Outs& x) {
                   return ops::Pack(s, {x[0], x[1]}, axis);
                 },
                 Inputs({m, m}),
                 [axis](const std::vector<Tensor>& in) {
                   // Stacked shape [2,3,4] (axis 0), [3,2,4] (1) or [3,4,2].
                   const int a = axis < 0 ? axis + 3 : axis;
                   Vec r;
                   for (int i = 0; i < 24; ++i) {
                     int64_t idx[3] = {i / 12 % 2, i / 4 % 3, i % 4};
                     if (a == 1) {
                       idx[0] = i / 8;
                       idx[1] = i / 4 % 2;
                       idx[2] = i % 4;
                     } else if (a == 2) {
                       idx[0] = i / 8;
                       idx[1] = i / 2 % 4;
                       idx[2] = i % 2;
                     }
                     const int which = static_cast<int>(idx[a]);
                     int64_t rest[2], k = 0;
                     for (int d = 0; d < 3; ++d) {
                       if (d != a) rest[k++] = idx[d];
                     }
                     r.push_back(
                         in[which].flat<double>()[rest[0] * 4 + rest[1]]);
                   }
                   return r;
                 }});
  }
  c.push_back({"Unpack/axis1_second",
               {"Unpack"},
               [](const Scope& s, const Outs& x) {
                 std::vector<Output> parts = ops::Unpack(s, x[0], 4, 1);
                 return parts.size() == 4 ? parts[1] : Output();
               },
               Inputs({m}),
               [](const std::vector<Tensor>& in) {
                 return Vec{in[0].flat<double>()[1], in[0].flat<double>()[5],
                            in[0].flat<double>()[9]};
               }});
}

void AddSlicingCases(std::vector<OpCase>& c) {
  const TensorShape m{3, 4};
  c.push_back({"Slice/box",
               {"Slice", "Pad"},
               [](const Scope& s, const Outs& x) {
                 return ops::Slice(s, x[0], {1, 1}, {2, -1});
               },
               Inputs({m}),
               [](const std::vector<Tensor>& in) {
                 Vec r;
                 for (int i = 1; i < 3; ++i)
                   for (int j = 1; j < 4; ++j)
                     r.push_back(in[0].flat<double>()[i * 4 + j]);
                 return r;
               }});
  c.push_back({"Pad/both_sides",
               {"Pad", "Slice"},
               [](const Scope& s, const Outs& x) {
                 return ops::Pad(s, x[0],
                                 Tensor::FromVector<int32_t>(
                                     {1, 0, 2, 1}, TensorShape({2, 2})));
               },
               Inputs({TensorShape{2, 3}}),
               [](const std::vector<Tensor>& in) {
                 Vec r(3 * 6, 0.0);  // Output [3, 6].
                 for (int i = 0; i < 2; ++i)
                   for (int j = 0; j < 3; ++j)
                     r[(i + 1) * 6 + j + 2] = in[0].flat<double>()[i * 3 + j];
                 return r;
               }});
  for (int axis : {0, 1}) {
    c.push_back({absl::StrCat("ConcatV2/axis", axis),
                 {"ConcatV2"},
                 [axis](const Scope& s, const Outs& x) {
                   return ops::ConcatV2(s, {x[0], x[1]}, axis);
                 },
                 Inputs({TensorShape{2, 3},
                         axis == 0 ? TensorShape{1, 3} : TensorShape{2, 2}}),
                 [axis](const std::vector<Tensor>& in) {
                   const TensorShape out =
                       axis == 0 ? TensorShape{3, 3} : TensorShape{2, 5};
                   Vec r(out.num_elements());
                   for (int64_t i = 0; i < out.num_elements(); ++i) {
                     std::vector<int64_t> idx = Unravel(i, out);
                     const bool first = idx[axis] < 2 + (axis == 1 ? 1 : 0);
                     if (!first) idx[axis] -= axis == 0 ? 2 : 3;
                     const Tensor& t = in[first ? 0 : 1];
                     r[i] = t.flat<double>()[Ravel(idx, t.shape())];
                   }
                   return r;
                 }});
  }
  c.push_back({"Split/axis1_third",
               {"Split", "ConcatV2"},
               [](const Scope& s, const Outs& x) {
                 std::vector<Output> parts = ops::Split(s, 1, x[0], 3);
                 return parts.size() == 3 ? ops::Mul(s, parts[2], parts[0])
                                          : Output();
               },
               Inputs({TensorShape{2, 6}}),
               [](const std::vector<Tensor>& in) {
                 Vec r;
                 for (int i = 0; i < 2; ++i)
                   for (int j = 0; j < 2; ++j)
                     r.push_back(in[0].flat<double>()[i * 6 + 4 + j] *
                                 in[0].flat<double>()[i * 6 + j]);
                 return r;
               }});
  c.push_back({"Tile/rank2",
               {"Tile"},
               [](const Scope& s, const Outs& x) {
                 return ops::Tile(s, x[0], {2, 3});
               },
               Inputs({TensorShape{2, 2}}),
               [](const std::vector<Tensor>& in) {
                 Vec r;
                 for (int i = 0; i < 4; ++i)
                   for (int j = 0; j < 6; ++j)
                     r.push_back(in[0].flat<double>()[(i % 2) * 2 + j % 2]);
                 return r;
               }});
  c.push_back({"BroadcastTo/col",
               {"BroadcastTo"},
               [](const Scope& s, const Outs& x) {
                 return ops::BroadcastTo(s, x[0], {2, 3, 4});
               },
               Inputs({TensorShape{3, 1}}),
               [](const std::vector<Tensor>& in) {
                 Vec r;
                 for (int i = 0; i < 24; ++i)
                   r.push_back(in[0].flat<double>()[i / 4 % 3]);
                 return r;
               }});
  for (int axis : {-1, 0}) {
    OpCase oc{
        absl::StrCat("OneHot/axis", axis),
        {"OneHot"},
        [axis](const Scope& s, const Outs&) {
          return ops::OneHot(s, Tensor::FromVector<int64_t>({2, 0, 5}), 4, 1.5,
                             -0.5, axis);
        },
        {},
        [axis](const std::vector<Tensor>&) {
          const int64_t idx[3] = {2, 0, 5};  // 5 is out of range: all off.
          Vec r(12);
          for (int i = 0; i < 3; ++i)
            for (int j = 0; j < 4; ++j)
              r[axis == -1 ? i * 4 + j : j * 3 + i] = idx[i] == j ? 1.5 : -0.5;
          return r;
        }};
    oc.check_gradient = false;
    c.push_back(oc);
  }
  OpCase prevent{"PreventGradient/forward",
                 {"PreventGradient"},
                 [](const Scope& s, const Outs& x) {
                   return ops::PreventGradient(s, x[0], "no");
                 },
                 Inputs({m}),
                 Map1([](double x) { return x; })};
  prevent.check_gradient = false;  // Its gradient is an error by design.
  c.push_back(prevent);
}

// A [.., m, k] x [.., k, n] product per broadcast batch, by loops.
Vec BatchMatMulRef(const Tensor& x, const Tensor& y, bool ax, bool ay) {
  const int rx = x.shape().rank(), ry = y.shape().rank();
  const int64_t xr = x.shape().dim_size(rx - 2),
                xc = x.shape().dim_size(rx - 1);
  const int64_t yr = y.shape().dim_size(ry - 2),
                yc = y.shape().dim_size(ry - 1);
  const int64_t m = ax ? xc : xr, k = ax ? xr : xc, n = ay ? yr : yc;
  // Batch dims: x has [bx], y has [by] (rank 3 at most here), broadcast.
  const int64_t bx = rx == 3 ? x.shape().dim_size(0) : 1;
  const int64_t by = ry == 3 ? y.shape().dim_size(0) : 1;
  const int64_t batches = std::max(bx, by);
  Vec r;
  for (int64_t b = 0; b < batches; ++b) {
    const double* xp = x.flat<double>().data() + (bx == 1 ? 0 : b) * xr * xc;
    const double* yp = y.flat<double>().data() + (by == 1 ? 0 : b) * yr * yc;
    for (int64_t i = 0; i < m; ++i) {
      for (int64_t j = 0; j < n; ++j) {
        double acc = 0;
        for (int64_t p = 0; p < k; ++p) {
          acc += (ax ? xp[p * xc + i] : xp[i * xc + p]) *
                 (ay ? yp[j * yc + p] : yp[p * yc + j]);
        }
        r.push_back(acc);
      }
    }
  }
  return r;
}

void AddStridedSliceCases(std::vector<OpCase>& c) {
  const TensorShape shape{3, 4, 5};
  auto at = [](const Tensor& t, int i, int j, int k) {
    return t.flat<double>()[(i * 4 + j) * 5 + k];
  };
  struct Spec {
    std::string name;
    std::vector<int32_t> begin, end, strides;
    StridedSliceMasks masks;
    std::function<Vec(const Tensor&)> ref;
  };
  std::vector<Spec> specs = {
      // x[1:3, ::2, -1]
      {"ranges_and_shrink",
       {1, 0, -1},
       {3, 0, 0},
       {1, 2, 1},
       {0, 0b010, 0, 0, 0b100},
       [&](const Tensor& t) {
         Vec r;
         for (int i = 1; i < 3; ++i)
           for (int j = 0; j < 4; j += 2) r.push_back(at(t, i, j, 4));
         return r;
       }},
      // x[::-1, 1:]
      {"reverse_and_masks",
       {0, 1},
       {0, 0},
       {-1, 1},
       {0b01, 0b11, 0, 0, 0},
       [&](const Tensor& t) {
         Vec r;
         for (int i = 2; i >= 0; --i)
           for (int j = 1; j < 4; ++j)
             for (int k = 0; k < 5; ++k) r.push_back(at(t, i, j, k));
         return r;
       }},
      // x[..., None, 2]
      {"ellipsis_new_axis",
       {0, 0, 2},
       {0, 0, 3},
       {1, 1, 1},
       {0, 0, 0b001, 0b010, 0b100},
       [&](const Tensor& t) {
         Vec r;
         for (int i = 0; i < 3; ++i)
           for (int j = 0; j < 4; ++j) r.push_back(at(t, i, j, 2));
         return r;
       }},
  };
  for (const Spec& spec : specs) {
    c.push_back(
        {"StridedSlice/" + spec.name,
         {"StridedSlice", "StridedSliceGrad"},
         [spec](const Scope& s, const Outs& x) {
           return ops::StridedSlice(s, x[0], Tensor::FromVector(spec.begin),
                                    Tensor::FromVector(spec.end),
                                    Tensor::FromVector(spec.strides),
                                    spec.masks);
         },
         Inputs({shape}),
         [spec](const std::vector<Tensor>& in) { return spec.ref(in[0]); }});
  }
}

void AddGatherCases(std::vector<OpCase>& c) {
  for (const auto& [ax, ay, xs, ys] :
       std::vector<std::tuple<bool, bool, TensorShape, TensorShape>>{
           {false, false, TensorShape{2, 3, 4}, TensorShape{2, 4, 2}},
           {true, false, TensorShape{2, 4, 3}, TensorShape{4, 2}},
           {false, true, TensorShape{3, 4}, TensorShape{2, 2, 4}},
           {true, true, TensorShape{2, 4, 3}, TensorShape{2, 2, 4}}}) {
    c.push_back({absl::StrCat("BatchMatMulV2/", ax, ay),
                 {"BatchMatMulV2"},
                 [ax = ax, ay = ay](const Scope& s, const Outs& x) {
                   return ops::BatchMatMulV2(s, x[0], x[1], ax, ay);
                 },
                 Inputs({xs, ys}),
                 [ax = ax, ay = ay](const std::vector<Tensor>& in) {
                   return BatchMatMulRef(in[0], in[1], ax, ay);
                 }});
  }

  c.push_back({"GatherV2/axis0_repeats",
               {"GatherV2", "UnsortedSegmentSum"},
               [](const Scope& s, const Outs& x) {
                 return ops::GatherV2(
                     s, x[0], Tensor::FromVector<int32_t>({2, 0, 2}), 0);
               },
               Inputs({TensorShape{3, 4}}),
               [](const std::vector<Tensor>& in) {
                 Vec r;
                 for (int row : {2, 0, 2})
                   for (int j = 0; j < 4; ++j)
                     r.push_back(in[0].flat<double>()[row * 4 + j]);
                 return r;
               }});
  OpCase axis1{
      "GatherV2/axis1",
      {"GatherV2"},
      [](const Scope& s, const Outs& x) {
        return ops::GatherV2(s, x[0], Tensor::FromVector<int64_t>({3, 1}), 1);
      },
      Inputs({TensorShape{2, 4}}),
      [](const std::vector<Tensor>& in) {
        const double* p = in[0].flat<double>().data();
        return Vec{p[3], p[1], p[7], p[5]};
      }};
  c.push_back(axis1);
  c.push_back(
      {"GatherV2/axis1_matrix_indices",
       {"GatherV2"},
       [](const Scope& s, const Outs& x) {
         return ops::GatherV2(
             s, x[0],
             Tensor::FromVector<int32_t>({2, 0, 2, 1}, TensorShape({2, 2})), 1);
       },
       Inputs({TensorShape{2, 3, 2}}),
       [](const std::vector<Tensor>& in) {
         // Output [2, 2, 2, 2]: params[i, idx[j][k], l].
         const int idx[4] = {2, 0, 2, 1};
         Vec r;
         for (int i = 0; i < 2; ++i)
           for (int jk = 0; jk < 4; ++jk)
             for (int l = 0; l < 2; ++l)
               r.push_back(in[0].flat<double>()[(i * 3 + idx[jk]) * 2 + l]);
         return r;
       }});
  c.push_back({"UnsortedSegmentSum/rows",
               {"UnsortedSegmentSum", "GatherV2"},
               [](const Scope& s, const Outs& x) {
                 return ops::UnsortedSegmentSum(
                     s, x[0], Tensor::FromVector<int32_t>({1, 0, 1}), 3);
               },
               Inputs({TensorShape{3, 2}}),
               [](const std::vector<Tensor>& in) {
                 const double* p = in[0].flat<double>().data();
                 return Vec{p[2], p[3], p[0] + p[4], p[1] + p[5], 0, 0};
               }});
  c.push_back({"DynamicStitch/two",
               {"DynamicStitch", "GatherV2"},
               [](const Scope& s, const Outs& x) {
                 return ops::DynamicStitch(
                     s,
                     {ops::Const(s, Tensor::FromVector<int32_t>({0, 2})),
                      ops::Const(s, Tensor::FromVector<int32_t>({1, 3}))},
                     {x[0], x[1]});
               },
               Inputs({TensorShape{2, 2}, TensorShape{2, 2}}),
               [](const std::vector<Tensor>& in) {
                 const double* a = in[0].flat<double>().data();
                 const double* b = in[1].flat<double>().data();
                 return Vec{a[0], a[1], b[0], b[1], a[2], a[3], b[2], b[3]};
               }});
}

}  // namespace internal
}  // namespace testing
}  // namespace tg
