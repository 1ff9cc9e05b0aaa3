// Op cases for the ops TensorFlow-written graphs use around the model:
// Div, FloorDiv, FloorMod, the pre-V2 Variable, and the checkpoint and string
// ops (SaveV2, RestoreV2, MergeV2Checkpoints, ShardedFilename, StringJoin).
#include <cmath>

#include "absl/strings/str_cat.h"
#include "graph/op_builder.h"
#include "ops/standard_ops.h"
#include "tests/testing/op_cases_internal.h"
#include "tests/testing/testdata.h"

namespace tg {
namespace testing {
namespace internal {
namespace {

// Integer division semantics written out independently of the kernels.
double TruncDivRef(double a, double b) { return std::trunc(a / b); }
double FloorDivRef(double a, double b) { return std::floor(a / b); }
double FloorModRef(double a, double b) { return a - std::floor(a / b) * b; }

// Inputs in +-[0.15, 1] times 10, truncated to integers in +-[1, 10] (Cast
// truncates), run through `op` in `dtype` and cast back to double.
GraphFn IntegerBinary(BinaryBuilder op, DataType dtype) {
  return [op, dtype](const Scope& s, const Outs& x) {
    Output a = ops::Cast(s, ops::Mul(s, x[0], 10.0), dtype);
    Output b = ops::Cast(s, ops::Mul(s, x[1], 10.0), dtype);
    return ops::Cast(s, op(s, a, b), DT_DOUBLE);
  };
}
ReferenceFn IntegerRef(double (*f)(double, double)) {
  return [f](const std::vector<Tensor>& in) {
    return Broadcast2(in[0], in[1], [f](double a, double b) {
      return f(std::trunc(a * 10.0), std::trunc(b * 10.0));
    });
  };
}

Tensor Strings(std::vector<std::string> v) {
  Tensor t(DT_STRING, TensorShape({static_cast<int64_t>(v.size())}));
  for (size_t i = 0; i < v.size(); ++i) t.flat<std::string>()[i] = v[i];
  return t;
}
Tensor String(const std::string& v) {
  Tensor t(DT_STRING, TensorShape());
  t.flat<std::string>()[0] = v;
  return t;
}

absl::Status ExpectStrings(const Tensor& t,
                           const std::vector<std::string>& want) {
  if (t.dtype() != DT_STRING ||
      t.NumElements() != static_cast<int64_t>(want.size())) {
    return absl::InternalError(absl::StrCat("got ", t.DebugString()));
  }
  for (size_t i = 0; i < want.size(); ++i) {
    if (t.flat<std::string>()[i] != want[i]) {
      return absl::InternalError(absl::StrCat("element ", i, ": '",
                                              t.flat<std::string>()[i],
                                              "' != '", want[i], "'"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

void AddDivisionAndIoCases(std::vector<OpCase>& c) {
  const TensorShape m{3, 4}, v{4}, col{3, 1};
  auto div = [](double a, double b) { return a / b; };
  c.push_back({"Div/same",
               {"Div"},
               Binary(ops::Div),
               Inputs({m, m}, 0.5, 1.5),
               Map2(div)});
  c.push_back({"Div/broadcast",
               {"Div"},
               Binary(ops::Div),
               Inputs({col, v}, 0.5, 1.5),
               Map2(div)});
  for (DataType t : {DT_INT32, DT_INT64}) {
    const std::string suffix = DataTypeName(t);
    for (auto [name, op, ref] :
         std::vector<std::tuple<std::string, BinaryBuilder,
                                double (*)(double, double)>>{
             {"Div", ops::Div, TruncDivRef},
             {"FloorDiv", ops::FloorDiv, FloorDivRef},
             {"FloorMod", ops::FloorMod, FloorModRef}}) {
      OpCase oc{absl::StrCat(name, "/", suffix),
                {name},
                IntegerBinary(op, t),
                Inputs({m, v}, 0.15, 1.0),
                IntegerRef(ref)};
      oc.check_gradient = false;
      c.push_back(oc);
    }
  }
  OpCase floordiv{"FloorDiv/float",
                  {"FloorDiv"},
                  Binary(ops::FloorDiv),
                  Inputs({m, v}, 0.2, 3.0),
                  Map2(FloorDivRef)};
  floordiv.check_gradient = false;
  c.push_back(floordiv);
  // The divisor kept in [1.2, 2] so that x / y never crosses an integer
  // near the inputs (the kinks of floor).
  const auto floormod = [](const Scope& s, const Outs& x) {
    return ops::FloorMod(s, x[0], ops::Add(s, ops::Abs(s, x[1]), 1.0));
  };
  const auto floormod_ref = [](const std::vector<Tensor>& in) {
    return Broadcast2(in[0], in[1], [](double a, double b) {
      return FloorModRef(a, std::abs(b) + 1.0);
    });
  };
  c.push_back(
      {"FloorMod/same", {"FloorMod"}, floormod, Inputs({m, m}), floormod_ref});
  c.push_back({"FloorMod/broadcast",
               {"FloorMod"},
               floormod,
               Inputs({col, v}),
               floormod_ref});

  OpCase old_variable{"Variable/pre_v2",
                      {"Variable"},
                      [](const Scope& s, const Outs& x) {
                        AttrValue shape;
                        x[0].shape().ToProto(shape.mutable_shape());
                        Output var = OpBuilder(s.WithOpName("old"), "Variable")
                                         .Attr("shape", shape)
                                         .Attr("dtype", DT_DOUBLE)
                                         .Finalize()
                                         .output(0);
                        return ops::Identity(s, ops::Assign(s, var, x[0]));
                      },
                      Inputs({m}),
                      Map1([](double a) { return a; })};
  old_variable.check_gradient = false;
  c.push_back(old_variable);

  // TensorFlow's sharded save: each shard to ShardedFilename(StringJoin(
  // prefix, "_temp/part")), merged into the prefix, then restored.
  OpCase checkpoint{
      "SaveV2/merge_restore",
      {"SaveV2", "RestoreV2", "MergeV2Checkpoints", "ShardedFilename",
       "StringJoin"},
      [](const Scope& s, const Outs& x) {
        const std::string prefix = TempDir() + "/ckpt/model";
        Output temp = ops::StringJoin(
            s, {ops::Const(s, String(prefix)), ops::Const(s, String("_temp"))});
        Output shard = ops::ShardedFilename(
            s, ops::StringJoin(s, {temp, ops::Const(s, String("part"))}, "/"),
            0, 1);
        Operation save = ops::SaveV2(s, shard, Strings({"x1", "x0"}),
                                     Strings({"", ""}), {x[1], x[0]});
        Operation merge = ops::MergeV2Checkpoints(
            s.WithControlDependencies({save}), ops::Reshape(s, shard, {1}),
            ops::Const(s, String(prefix)));
        return ops::RestoreV2(s.WithControlDependencies({merge}),
                              ops::Const(s, String(prefix)), Strings({"x0"}),
                              Strings({""}), {DT_DOUBLE})[0];
      },
      Inputs({m, v}),
      [](const std::vector<Tensor>& in) { return D(in[0]); }};
  checkpoint.check_gradient = false;
  checkpoint.tolerance = 0;
  c.push_back(checkpoint);

  OpCase join{"StringJoin/broadcast_scalar",
              {"StringJoin"},
              [](const Scope& s, const Outs&) {
                return ops::StringJoin(s,
                                       {ops::Const(s, Strings({"a", "bc"})),
                                        ops::Const(s, String("x")),
                                        ops::Const(s, Strings({"", "d"}))},
                                       "-");
              },
              {}};
  join.property = [](const Tensor& t) {
    return ExpectStrings(t, {"a-x-", "bc-x-d"});
  };
  join.check_gradient = false;
  c.push_back(join);
  OpCase sharded{"ShardedFilename/format",
                 {"ShardedFilename"},
                 [](const Scope& s, const Outs&) {
                   return ops::ShardedFilename(
                       s, ops::Const(s, String("dir/part")), 3, 12);
                 },
                 {}};
  sharded.property = [](const Tensor& t) {
    return ExpectStrings(t, {"dir/part-00003-of-00012"});
  };
  sharded.check_gradient = false;
  c.push_back(sharded);
}

}  // namespace internal
}  // namespace testing
}  // namespace tg
