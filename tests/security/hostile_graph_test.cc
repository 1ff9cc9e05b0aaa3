// Hostile graphs, one per class of failure a graph file could once cause
// (out-of-bounds memory, null buffers, aborts, undefined integer
// arithmetic, hangs, unbounded allocation, raw messages). Each graph is
// written here by hand and must give a clear status naming the node, or,
// for integer arithmetic, the two's-complement value worked out by hand.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "runtime/session.h"
#include "tests/security/graph_text.h"
#include "tests/testing/status_matchers.h"

namespace tg {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::tg::testing::IntAttr;
using ::tg::testing::IntConst;
using ::tg::testing::Op;
using ::tg::testing::Parse;
using ::tg::testing::RunGraph;
using ::tg::testing::Scalar;
using ::tg::testing::StatusIs;
using ::tg::testing::TypeAttr;

// --- Out-of-bounds memory -------------------------------------------------

TEST(HostileGraphTest, ConstWithMoreValuesThanItsShapeIsRefused) {
  const std::string g =
      "node { name: 'c' op: 'Const' attr { key: 'dtype' value { type: "
      "DT_FLOAT } } attr { key: 'value' value { tensor { dtype: DT_FLOAT "
      "tensor_shape { dim { size: 2 } } float_val: 1 float_val: 2 "
      "float_val: 3 } } } }";
  EXPECT_THAT(RunGraph(g, "c:0"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("node 'c'"), HasSubstr("3 values"))));
}

TEST(HostileGraphTest, ConstWhoseValueDtypeDiffersFromItsAttrIsRefused) {
  const std::string g =
      "node { name: 'c' op: 'Const' attr { key: 'dtype' value { type: "
      "DT_FLOAT } } attr { key: 'value' value { tensor { dtype: DT_INT32 "
      "tensor_shape { } int_val: 7 } } } }\n" +
      Op("neg", "Neg", {"c"}, TypeAttr("T", "DT_FLOAT"));
  EXPECT_THAT(RunGraph(g, "neg:0"), StatusIs(absl::StatusCode::kInvalidArgument,
                                             HasSubstr("node 'c'")));
}

TEST(HostileGraphTest, ShapeWhosePartialProductsOverflowIsRefused) {
  // [0, 2^40, 2^40] has no elements, but its strides overflow int64.
  const std::string g =
      IntConst("dims", {0, int64_t{1} << 40, int64_t{1} << 40}, "DT_INT64") +
      Scalar("v", 1, "DT_FLOAT") +
      Op("fill", "Fill", {"dims", "v"},
         TypeAttr("T", "DT_FLOAT") + TypeAttr("index_type", "DT_INT64"));
  EXPECT_THAT(
      RunGraph(g, "fill:0"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("node 'fill'")));
}

TEST(HostileGraphTest, SliceBeyondTheInputIsRefusedWithoutOverflow) {
  const std::string g =
      IntConst("x", {1, 2, 3}) +
      IntConst("begin", {std::numeric_limits<int64_t>::max()}, "DT_INT64") +
      IntConst("size", {2}, "DT_INT64") +
      Op("s", "Slice", {"x", "begin", "size"},
         TypeAttr("T", "DT_INT32") + TypeAttr("Index", "DT_INT64"));
  EXPECT_THAT(RunGraph(g, "s:0"), StatusIs(absl::StatusCode::kInvalidArgument,
                                           HasSubstr("node 's'")));
}

// --- Null buffers and empty inputs ----------------------------------------

TEST(HostileGraphTest, DynamicStitchOfEmptyIndicesGivesAnEmptyTensor) {
  const std::string g =
      "node { name: 'i' op: 'Const' attr { key: 'dtype' value { type: "
      "DT_INT32 } } attr { key: 'value' value { tensor { dtype: DT_INT32 "
      "tensor_shape { dim { size: 0 } } } } } }\n"
      "node { name: 'd' op: 'Const' attr { key: 'dtype' value { type: "
      "DT_FLOAT } } attr { key: 'value' value { tensor { dtype: DT_FLOAT "
      "tensor_shape { dim { size: 0 } } } } } }\n" +
      Op("st", "DynamicStitch", {"i", "d"},
         IntAttr("N", 1) + TypeAttr("T", "DT_FLOAT"));
  std::vector<Tensor> out;
  TG_ASSERT_OK(RunGraph(g, "st:0", &out));
  EXPECT_EQ(out[0].shape(), TensorShape({0}));
}

TEST(HostileGraphTest, TargetOnlyRunOfANodeWithoutOutputs) {
  auto session = Session::Create(Parse("node { name: 'n' op: 'NoOp' }"));
  TG_ASSERT_OK(session.status());
  TG_EXPECT_OK((*session)->Run({}, {}, {"n"}, nullptr));
}

// --- Aborts ----------------------------------------------------------------

TEST(HostileGraphTest, NegativeListLengthIsAnErrorNotAnAbort) {
  const std::string g =
      Scalar("a", 1, "DT_FLOAT") +
      Op("sum", "AddN", {"a"}, IntAttr("N", -3) + TypeAttr("T", "DT_FLOAT"));
  EXPECT_THAT(RunGraph(g, "sum:0"), StatusIs(absl::StatusCode::kInvalidArgument,
                                             HasSubstr("node 'sum'")));
}

TEST(HostileGraphTest, RandomOpWithAScalarShapeInputIsRefused) {
  const std::string g =
      Scalar("shape", 3, "DT_INT32") +
      Op("r", "RandomUniform", {"shape"},
         TypeAttr("T", "DT_INT32") + TypeAttr("dtype", "DT_FLOAT"));
  EXPECT_THAT(RunGraph(g, "r:0"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("node 'r'"), HasSubstr("vector"))));
}

TEST(HostileGraphTest, TypeAttrThatIsNoDtypeIsRefused) {
  const std::string g =
      "node { name: 'p' op: 'Placeholder' attr { key: 'dtype' value { type: "
      "999 } } }";
  EXPECT_THAT(RunGraph(g, "p:0"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("node 'p'"), HasSubstr("999"))));
}

// --- Integer semantics ------------------------------------------------------

// INT32_MAX + 1 wraps to INT32_MIN, as in two's complement.
TEST(HostileGraphTest, IntegerAddWrapsAround) {
  const std::string g = Scalar("a", 2147483647, "DT_INT32") +
                        Scalar("b", 1, "DT_INT32") +
                        Op("s", "Add", {"a", "b"}, TypeAttr("T", "DT_INT32"));
  std::vector<Tensor> out;
  TG_ASSERT_OK(RunGraph(g, "s:0", &out));
  EXPECT_EQ(out[0].scalar<int32_t>(), -2147483647 - 1);
}

// |INT32_MIN| and -INT32_MIN are INT32_MIN; INT32_MIN / -1 too.
TEST(HostileGraphTest, AbsNegAndDivisionOfTheLowestValueWrap) {
  const std::string lowest = Scalar("m", -2147483648.0, "DT_INT32");
  for (const std::string op : {"Abs", "Neg"}) {
    std::vector<Tensor> out;
    TG_ASSERT_OK(RunGraph(
        lowest + Op("y", op, {"m"}, TypeAttr("T", "DT_INT32")), "y:0", &out));
    EXPECT_EQ(out[0].scalar<int32_t>(), std::numeric_limits<int32_t>::min())
        << op;
  }
  std::vector<Tensor> out;
  TG_ASSERT_OK(
      RunGraph(lowest + Scalar("d", -1, "DT_INT32") +
                   Op("q", "Div", {"m", "d"}, TypeAttr("T", "DT_INT32")),
               "q:0", &out));
  EXPECT_EQ(out[0].scalar<int32_t>(), std::numeric_limits<int32_t>::min());
}

// 2^31 wraps to INT32_MIN; 2^64 is 0 in int64; (-1)^(10^12 + 1) is -1. The
// exponent 10^12 would take hours by repeated multiplication.
TEST(HostileGraphTest, IntegerPowIsFastAndWraps) {
  struct Case {
    double base, exponent;
    const char* dtype;
    int64_t want;
  };
  for (const Case& c :
       {Case{2, 31, "DT_INT32", std::numeric_limits<int32_t>::min()},
        Case{2, 64, "DT_INT64", 0}, Case{-1, 1e12 + 1, "DT_INT64", -1},
        Case{3, 1e12, "DT_INT64", 0}}) {
    const std::string g = Scalar("x", c.base, c.dtype) +
                          Scalar("e", c.exponent, c.dtype) +
                          Op("p", "Pow", {"x", "e"}, TypeAttr("T", c.dtype));
    std::vector<Tensor> out;
    TG_ASSERT_OK(RunGraph(g, "p:0", &out));
    const int64_t got = out[0].dtype() == DT_INT32 ? out[0].scalar<int32_t>()
                                                   : out[0].scalar<int64_t>();
    if (c.base == 3) {
      EXPECT_NE(got, 0);  // 3^n is odd: never 0 modulo 2^64.
    } else {
      EXPECT_EQ(got, c.want) << c.base << "^" << c.exponent;
    }
  }
}

TEST(HostileGraphTest, NegativeIntegerExponentAndZeroDivisorAreErrors) {
  const std::string ints = Scalar("x", 5, "DT_INT32") +
                           Scalar("z", 0, "DT_INT32") +
                           Scalar("n", -2, "DT_INT32");
  EXPECT_THAT(
      RunGraph(ints + Op("p", "Pow", {"x", "n"}, TypeAttr("T", "DT_INT32")),
               "p:0"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr("node 'p'"), HasSubstr("negative"))));
  for (const std::string op : {"Div", "FloorDiv", "FloorMod"}) {
    EXPECT_THAT(
        RunGraph(ints + Op("q", op, {"x", "z"}, TypeAttr("T", "DT_INT32")),
                 "q:0"),
        StatusIs(absl::StatusCode::kInvalidArgument,
                 AllOf(HasSubstr("node 'q'"), HasSubstr("by zero"))))
        << op;
  }
}

TEST(HostileGraphTest, IntegerMeanOfAnEmptyAxisIsAnError) {
  const std::string g =
      "node { name: 'x' op: 'Const' attr { key: 'dtype' value { type: "
      "DT_INT32 } } attr { key: 'value' value { tensor { dtype: DT_INT32 "
      "tensor_shape { dim { size: 2 } dim { size: 0 } } } } } }\n" +
      IntConst("axis", {1}) +
      Op("m", "Mean", {"x", "axis"},
         TypeAttr("T", "DT_INT32") + TypeAttr("Tidx", "DT_INT32"));
  EXPECT_THAT(RunGraph(g, "m:0"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("node 'm'"), HasSubstr("empty"))));
}

TEST(HostileGraphTest, IntegerSumWrapsAround) {
  const std::string g =
      IntConst("x", {2147483647, 2147483647, 2}) + IntConst("axis", {0}) +
      Op("s", "Sum", {"x", "axis"},
         TypeAttr("T", "DT_INT32") + TypeAttr("Tidx", "DT_INT32"));
  std::vector<Tensor> out;
  TG_ASSERT_OK(RunGraph(g, "s:0", &out));
  // 2 * (2^31 - 1) + 2 = 2^32, which is 0 modulo 2^32.
  EXPECT_EQ(out[0].scalar<int32_t>(), 0);
}

// --- Unbounded allocation
// -----------------------------------------------------

TEST(HostileGraphTest, MemoryLimitRefusesARequestBeforeAllocating) {
  SessionOptions options;
  options.memory_limit_bytes = 1 << 20;
  const std::string g =
      IntConst("dims", {1000, 1000}) + Scalar("v", 1, "DT_FLOAT") +
      Op("fill", "Fill", {"dims", "v"},
         TypeAttr("T", "DT_FLOAT") + TypeAttr("index_type", "DT_INT32"));
  EXPECT_THAT(
      RunGraph(g, "fill:0", nullptr, options),
      StatusIs(absl::StatusCode::kResourceExhausted,
               AllOf(HasSubstr("node 'fill'"), HasSubstr("4000000 bytes"),
                     HasSubstr("memory limit 1 MiB"))));
  options.memory_limit_bytes = 8 << 20;
  TG_EXPECT_OK(RunGraph(g, "fill:0", nullptr, options));
}

TEST(HostileGraphTest, HugeListLengthsAreResourceExhausted) {
  const std::string x = IntConst("x", {1, 2}) + Scalar("axis", 0, "DT_INT32");
  EXPECT_THAT(
      RunGraph(
          x + Op("sp", "Split", {"axis", "x"},
                 IntAttr("num_split", 1000000000) + TypeAttr("T", "DT_INT32")),
          "sp:0"),
      StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("node 'sp'")));
  EXPECT_THAT(
      RunGraph(x + Op("u", "Unpack", {"x"},
                      IntAttr("num", 1000000000) + TypeAttr("T", "DT_INT32")),
               "u:0"),
      StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("node 'u'")));
}

TEST(HostileGraphTest, RangeWithATinyDeltaOrNaNIsRefused) {
  const std::string g =
      Scalar("a", 0, "DT_FLOAT") + Scalar("b", 1, "DT_FLOAT") +
      Scalar("tiny", 1e-30, "DT_FLOAT") +
      Op("r", "Range", {"a", "b", "tiny"}, TypeAttr("Tidx", "DT_FLOAT"));
  EXPECT_THAT(RunGraph(g, "r:0"), StatusIs(absl::StatusCode::kResourceExhausted,
                                           HasSubstr("node 'r'")));
  const std::string nan =
      Scalar("a", 0, "DT_FLOAT") + Scalar("b", 1, "DT_FLOAT") +
      "node { name: 'd' op: 'Const' attr { key: 'dtype' value { type: "
      "DT_FLOAT } } attr { key: 'value' value { tensor { dtype: DT_FLOAT "
      "tensor_shape { } float_val: nan } } } }\n" +
      Op("r", "Range", {"a", "b", "d"}, TypeAttr("Tidx", "DT_FLOAT"));
  EXPECT_THAT(RunGraph(nan, "r:0"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("node 'r'"), HasSubstr("NaN"))));
}

// --- Messages
// -----------------------------------------------------------------

TEST(HostileGraphTest, UntrustedNamesAreEscapedInMessages) {
  const std::string g = "node { name: 'evil\\n\\x1b[31mname' op: 'NoSuchOp' }";
  absl::StatusOr<std::unique_ptr<Session>> s = Session::Create(Parse(g));
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(),
              AllOf(HasSubstr("evil\\x0a\\x1b[31mname"), Not(HasSubstr("\n")),
                    Not(HasSubstr("\x1b"))));
}

// --- Numerics
// -------------------------------------------------------------------

TEST(HostileGraphTest, CheckNumericsNamesTheNodeAndTheProblem) {
  const std::string nan =
      "node { name: 'x' op: 'Const' attr { key: 'dtype' value { type: "
      "DT_FLOAT } } attr { key: 'value' value { tensor { dtype: DT_FLOAT "
      "tensor_shape { dim { size: 2 } } float_val: 1 float_val: nan } } } }\n";
  EXPECT_THAT(
      RunGraph(nan + Op("check", "CheckNumerics", {"x"},
                        TypeAttr("T", "DT_FLOAT") +
                            "attr { key: 'message' value { s: 'after x' } }"),
               "check:0"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr("node 'check'"),
                     HasSubstr("after x : Tensor had NaN values"))));
  SessionOptions options;
  options.check_numerics = true;
  const std::string g = nan + Op("y", "Neg", {"x"}, TypeAttr("T", "DT_FLOAT"));
  EXPECT_THAT(
      RunGraph(g, "y:0", nullptr, options),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr("node 'x'"), HasSubstr("NaN at element 1"))));
  TG_EXPECT_OK(RunGraph(g, "y:0"));  // Off by default.
}

}  // namespace
}  // namespace tg
