// More hostile inputs, by class: fed tensors that disagree with what the
// graph declares, degenerate and empty inputs, shape arithmetic that would
// overflow, integer kernels that must wrap (values worked out by hand in
// two's complement), list-length attrs no allocation could satisfy, and
// readers handed files that lie about their contents. Each must end in a
// status naming the node (or file), never in a crash or a wrong value.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "core/file_io.h"
#include "core/npy.h"
#include "gmock/gmock.h"
#include "graph/graph_file.h"
#include "gtest/gtest.h"
#include "runtime/session.h"
#include "tests/security/graph_text.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/testdata.h"

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

constexpr int32_t kMin32 = std::numeric_limits<int32_t>::min();
constexpr int32_t kMax32 = std::numeric_limits<int32_t>::max();

std::string Placeholder(const std::string& name, const std::string& dtype,
                        const std::string& shape_text) {
  return Op(name, "Placeholder", {},
            TypeAttr("dtype", dtype) + "attr { key: 'shape' value { shape { " +
                shape_text + " } } }");
}

std::string SumOf(const std::string& x, const std::string& axis,
                  const std::string& dtype = "DT_FLOAT") {
  return Op("s", "Sum", {x, axis},
            TypeAttr("T", dtype) + TypeAttr("Tidx", "DT_INT32"));
}

// Refused as invalid or as more memory than there is, naming `node`.
void ExpectRefused(const absl::Status& s, const std::string& node) {
  EXPECT_TRUE(s.code() == absl::StatusCode::kInvalidArgument ||
              s.code() == absl::StatusCode::kResourceExhausted)
      << s;
  EXPECT_THAT(s.message(), HasSubstr("node '" + node + "'")) << node;
}

// --- Fed tensors -----------------------------------------------------------

// A feed is checked against the placeholder's declared shape before any
// kernel sees it, so a reduction never walks a buffer it assumed larger.
TEST(HostileInputTest, FeedSmallerThanItsPlaceholderIsRefused) {
  const std::string g =
      Placeholder("x", "DT_FLOAT", "dim { size: 2 } dim { size: 3 }") +
      IntConst("axis", {1}) + SumOf("x", "axis");
  EXPECT_THAT(
      RunGraph(g, "s:0", nullptr, {}, {{"x", Tensor::FromVector<float>({1})}}),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr("'x'"), HasSubstr("[1]"), HasSubstr("[2,3]"))));
}

// With no declared shape the kernel sees the fed shape and must use it.
TEST(HostileInputTest, ReductionOfAFeedOfUndeclaredShapeUsesItsRealShape) {
  const std::string g = Placeholder("x", "DT_FLOAT", "unknown_rank: true") +
                        IntConst("axis", {1}) + SumOf("x", "axis");
  std::vector<Tensor> out;
  TG_ASSERT_OK(RunGraph(g, "s:0", &out, {},
                        {{"x", Tensor::FromVector<float>(
                                   {1, 2, 3, 4, 5, 6}, TensorShape({2, 3}))}}));
  EXPECT_EQ(out[0].shape(), TensorShape({2}));
  EXPECT_THAT(out[0].flat<float>(), ElementsAre(6, 15));  // 1+2+3, 4+5+6.
}

TEST(HostileInputTest, FedAxisOutOfRangeIsRefused) {
  const std::string g = Placeholder("x", "DT_FLOAT", "unknown_rank: true") +
                        Placeholder("axis", "DT_INT32", "dim { size: 1 }") +
                        SumOf("x", "axis");
  const Tensor x = Tensor::FromVector<float>({1, 2, 3, 4}, TensorShape({2, 2}));
  for (int32_t axis : {2, -3, kMin32}) {
    EXPECT_THAT(
        RunGraph(g, "s:0", nullptr, {},
                 {{"x", x}, {"axis", Tensor::FromVector<int32_t>({axis})}}),
        StatusIs(absl::StatusCode::kInvalidArgument,
                 AllOf(HasSubstr("node 's'"), HasSubstr(std::to_string(axis)))))
        << axis;
  }
}

// --- Empty and degenerate inputs ---------------------------------------------

TEST(HostileInputTest, SplitOfAnEmptyTensorGivesEmptyPieces) {
  const std::string g =
      "node { name: 'x' op: 'Const' attr { key: 'dtype' value { type: "
      "DT_FLOAT } } attr { key: 'value' value { tensor { dtype: DT_FLOAT "
      "tensor_shape { dim { size: 4 } dim { size: 0 } } } } } }\n" +
      Scalar("axis", 0, "DT_INT32") +
      Op("sp", "Split", {"axis", "x"},
         IntAttr("num_split", 2) + TypeAttr("T", "DT_FLOAT"));
  std::vector<Tensor> out;
  TG_ASSERT_OK(RunGraph(g, "sp:1", &out));
  EXPECT_EQ(out[0].shape(), TensorShape({2, 0}));
}

TEST(HostileInputTest, SplitThatDoesNotDivideIsRefused) {
  const std::string g = IntConst("x", {1, 2, 3}) +
                        Scalar("axis", 0, "DT_INT32") +
                        Op("sp", "Split", {"axis", "x"},
                           IntAttr("num_split", 2) + TypeAttr("T", "DT_INT32"));
  EXPECT_THAT(RunGraph(g, "sp:0"), StatusIs(absl::StatusCode::kInvalidArgument,
                                            HasSubstr("node 'sp'")));
}

TEST(HostileInputTest, EmptyRangeAndZeroDelta) {
  const std::string ends =
      Scalar("a", 5, "DT_INT32") + Scalar("b", 5, "DT_INT32");
  std::vector<Tensor> out;
  TG_ASSERT_OK(RunGraph(
      ends + Scalar("d", 1, "DT_INT32") +
          Op("r", "Range", {"a", "b", "d"}, TypeAttr("Tidx", "DT_INT32")),
      "r:0", &out));
  EXPECT_EQ(out[0].shape(), TensorShape({0}));
  EXPECT_THAT(
      RunGraph(
          ends + Scalar("d", 0, "DT_INT32") +
              Op("r", "Range", {"a", "b", "d"}, TypeAttr("Tidx", "DT_INT32")),
          "r:0"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("node 'r'")));
}

// --- Shape arithmetic
// ----------------------------------------------------------

// Each shape below has more than 2^63 elements: an error, never a wrapped
// element count.
TEST(HostileInputTest, ShapeArithmeticThatOverflowsIsAnError) {
  const int64_t big = int64_t{1} << 62;
  const std::string x = IntConst("x", {1, 2});
  const std::vector<std::pair<std::string, std::string>> graphs = {
      {"reshape",
       x + IntConst("shape", {big, 4}, "DT_INT64") +
           Op("reshape", "Reshape", {"x", "shape"},
              TypeAttr("T", "DT_INT32") + TypeAttr("Tshape", "DT_INT64"))},
      {"tile",
       x + IntConst("m", {big}, "DT_INT64") +
           Op("tile", "Tile", {"x", "m"},
              TypeAttr("T", "DT_INT32") + TypeAttr("Tmultiples", "DT_INT64"))},
      {"pad",
       x +
           "node { name: 'p' op: 'Const' attr { key: 'dtype' value { "
           "type: DT_INT64 } } attr { key: 'value' value { tensor { "
           "dtype: DT_INT64 tensor_shape { dim { size: 1 } dim { size: "
           "2 } } int64_val: 9223372036854775807 int64_val: "
           "9223372036854775807 } } } }\n" +
           Op("pad", "Pad", {"x", "p"},
              TypeAttr("T", "DT_INT32") + TypeAttr("Tpaddings", "DT_INT64"))},
      {"fill",
       IntConst("dims", {big, big}, "DT_INT64") + Scalar("v", 1, "DT_FLOAT") +
           Op("fill", "Fill", {"dims", "v"},
              TypeAttr("T", "DT_FLOAT") + TypeAttr("index_type", "DT_INT64"))},
  };
  for (const auto& [node, g] : graphs) {
    ExpectRefused(RunGraph(g, node + ":0"), node);
  }
}

// StridedSliceGrad takes the shape it slices from a tensor: a negative dim
// there is refused at import, never planned as a slice of INT64_MIN.
TEST(HostileInputTest, StridedSliceGradOfANegativeShapeIsRefused) {
  const int64_t lowest = std::numeric_limits<int64_t>::min();
  const std::string g =
      IntConst("shape", {lowest}, "DT_INT64") +
      IntConst("begin", {0}, "DT_INT64") + IntConst("end", {1}, "DT_INT64") +
      IntConst("strides", {-1}, "DT_INT64") + IntConst("dy", {1}) +
      Op("ssg", "StridedSliceGrad", {"shape", "begin", "end", "strides", "dy"},
         TypeAttr("T", "DT_INT32") + TypeAttr("Index", "DT_INT64"));
  EXPECT_THAT(RunGraph(g, "ssg:0"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("node 'ssg'"), HasSubstr("negative"))));
}

// 2^62 floats fit an int64 count but are 2^64 bytes: the byte size must not
// wrap to zero and leave a zero-byte buffer to be filled.
TEST(HostileInputTest, ByteSizeThatWrapsIsRefused) {
  const std::string g =
      IntConst("dims", {int64_t{1} << 62}, "DT_INT64") +
      Scalar("v", 1, "DT_FLOAT") +
      Op("fill", "Fill", {"dims", "v"},
         TypeAttr("T", "DT_FLOAT") + TypeAttr("index_type", "DT_INT64"));
  ExpectRefused(RunGraph(g, "fill:0"), "fill");
}

// --- Integer kernels wrap --------------------------------------------------

struct WrapCase {
  std::string op;
  std::vector<double> inputs;
  std::string dtype;
  int64_t want;
};

TEST(HostileInputTest, IntegerElementwiseKernelsWrapAround) {
  const std::vector<WrapCase> cases = {
      {"Sub", {kMin32, 1}, "DT_INT32", kMax32},
      {"Mul", {65536, 65536}, "DT_INT32", 0},       // 2^32 mod 2^32.
      {"Mul", {65537, 65537}, "DT_INT32", 131073},  // 2^32 + 2^17 + 1.
      {"Square", {65536}, "DT_INT32", 0},
      {"Mul", {4611686018427387904.0, 4}, "DT_INT64", 0},  // 2^62 * 4.
  };
  for (const WrapCase& c : cases) {
    std::string g;
    std::vector<std::string> names;
    for (size_t i = 0; i < c.inputs.size(); ++i) {
      names.push_back("in" + std::to_string(i));
      g += Scalar(names.back(), c.inputs[i], c.dtype);
    }
    g += Op("y", c.op, names, TypeAttr("T", c.dtype));
    std::vector<Tensor> out;
    TG_ASSERT_OK(RunGraph(g, "y:0", &out)) << c.op;
    const int64_t got = c.dtype == "DT_INT32" ? out[0].scalar<int32_t>()
                                              : out[0].scalar<int64_t>();
    EXPECT_EQ(got, c.want) << c.op;
  }
  // INT64_MAX + INT64_MAX = 2^64 - 2, which is -2 modulo 2^64.
  const int64_t max64 = std::numeric_limits<int64_t>::max();
  std::vector<Tensor> out;
  TG_ASSERT_OK(
      RunGraph(IntConst("a", {max64}, "DT_INT64") +
                   Op("y", "Add", {"a", "a"}, TypeAttr("T", "DT_INT64")),
               "y:0", &out));
  EXPECT_THAT(out[0].flat<int64_t>(), ElementsAre(-2));
}

TEST(HostileInputTest, IntegerAddNAndProdWrapAround) {
  const std::string a = Scalar("a", kMax32, "DT_INT32");
  const std::string b = Scalar("b", 1, "DT_INT32");
  std::vector<Tensor> out;
  TG_ASSERT_OK(RunGraph(a + b +
                            Op("n", "AddN", {"a", "b"},
                               IntAttr("N", 2) + TypeAttr("T", "DT_INT32")),
                        "n:0", &out));
  EXPECT_EQ(out[0].scalar<int32_t>(), kMin32);
  TG_ASSERT_OK(
      RunGraph(IntConst("x", {65536, 65536, 3}) + IntConst("axis", {0}) +
                   Op("p", "Prod", {"x", "axis"},
                      TypeAttr("T", "DT_INT32") + TypeAttr("Tidx", "DT_INT32")),
               "p:0", &out));
  EXPECT_EQ(out[0].scalar<int32_t>(), 0);  // 3 * 2^32 mod 2^32.
}

TEST(HostileInputTest, AssignAddAndAssignSubWrapAround) {
  const std::string g =
      Op("v", "VariableV2", {},
         TypeAttr("dtype", "DT_INT32") +
             "attr { key: 'shape' value { shape { } } }") +
      Scalar("max", kMax32, "DT_INT32") + Scalar("one", 1, "DT_INT32") +
      Op("init", "Assign", {"v", "max"}, TypeAttr("T", "DT_INT32")) +
      Op("inc", "AssignAdd", {"v", "one"}, TypeAttr("T", "DT_INT32")) +
      Op("dec", "AssignSub", {"v", "one"}, TypeAttr("T", "DT_INT32"));
  TG_ASSERT_OK_AND_ASSIGN(auto session, Session::Create(Parse(g)));
  TG_ASSERT_OK(session->Run({}, {}, {"init"}, nullptr));
  std::vector<Tensor> out;
  TG_ASSERT_OK(session->Run({}, {"inc:0"}, {}, &out));
  EXPECT_EQ(out[0].scalar<int32_t>(), kMin32);
  TG_ASSERT_OK(session->Run({}, {"dec:0"}, {}, &out));
  EXPECT_EQ(out[0].scalar<int32_t>(), kMax32);
}

// --- List-length attrs -----------------------------------------------------

// An arity of 2^40 inputs cannot be allocated for, let alone wired: import
// refuses it instead of throwing std::bad_array_new_length or bad_alloc.
TEST(HostileInputTest, HugeArityAttrIsRefusedOnImport) {
  const std::string g =
      Scalar("a", 1, "DT_FLOAT") +
      Op("sum", "AddN", {"a"},
         IntAttr("N", int64_t{1} << 40) + TypeAttr("T", "DT_FLOAT"));
  absl::Status s = RunGraph(g, "sum:0");
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("node 'sum'"));
}

// --- Readers
// -------------------------------------------------------------------

std::string NpyWithHeader(const std::string& dict) {
  std::string header = dict;
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string bytes("\x93NUMPY\x01\x00", 8);
  bytes += static_cast<char>(header.size() & 0xff);
  bytes += static_cast<char>(header.size() >> 8);
  return bytes + header;
}

TEST(HostileInputTest, NpyHeadersThatLieAreErrorsNamingTheFile) {
  const std::string dir = testing::TempDir();
  const std::vector<std::string> headers = {
      "{'descr': '<f4', 'fortran_order': False, 'shape': "
      "(99999999999999999999999999,), }",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (-4,), }",
      "{'descr': '<f4', 'fortran_order': False, 'shape': "
      "(4611686018427387904, 4), }",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000000,), }",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2,3",
      "{'descr': '<x9', 'fortran_order': False, 'shape': (2,), }",
      "{'descr'",
  };
  for (size_t i = 0; i < headers.size(); ++i) {
    const std::string path = dir + "/lie" + std::to_string(i) + ".npy";
    TG_ASSERT_OK(WriteFileAtomically(path, NpyWithHeader(headers[i])));
    absl::StatusOr<Tensor> t = ReadNpyFile(path);
    EXPECT_FALSE(t.ok()) << headers[i];
    EXPECT_THAT(t.status().message(), HasSubstr("lie" + std::to_string(i)))
        << headers[i];
  }
}

// Protocol Buffers logs about invalid UTF-8 must not reach stderr: the
// error (if any) is a status, and the library prints nothing.
TEST(HostileInputTest, ProtobufLogsStayOffStderr) {
  const std::string dir = testing::TempDir();
  // Field 1 (node), length 6: field 1 of NodeDef (name), length 4, bytes
  // that are not UTF-8.
  const std::string bytes("\x0a\x06\x0a\x04\xff\xfe\x80\x81", 8);
  const std::string path = dir + "/bad_utf8.pb";
  TG_ASSERT_OK(WriteFileAtomically(path, bytes));
  ::testing::internal::CaptureStderr();
  absl::StatusOr<GraphFile> file = ReadGraphFile(path);
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(err, Not(HasSubstr("libprotobuf"))) << err;
  EXPECT_EQ(err, "");
  if (!file.ok()) {
    EXPECT_THAT(file.status().message(),
                AllOf(HasSubstr("bad_utf8.pb"), Not(HasSubstr("\n"))));
  }
}

}  // namespace
}  // namespace tg
