// TensorFlow-written graphs with control flow through `tg run`: a
// tf.while_loop, a loop nested in a loop and a tf.cond (its README's
// values: derived from each graph by hand, computed here from what is
// fed), and the one clear line a dead fetch gives.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "core/file_io.h"
#include "core/npy.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/graph_text.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/testdata.h"
#include "tests/tools/tg_runner.h"

namespace tg {
namespace {

using ::testing::HasSubstr;

constexpr char kDir[] =
    "tensorflow-tensorflow@936cdcdac96d/tensorflow/core/grappler/costs/"
    "graph_properties_testdata/";

std::string File(const char* name) {
  return TG_TENSORFLOW_TESTDATA(absl::StrCat(kDir, name));
}

absl::StatusOr<Tensor> Output(const std::string& dir, const std::string& n) {
  return ReadNpyFile(absl::StrCat(dir, "/", n, ".npy"));
}

// i = 0; m = ones; while i < 10: i, m = i + 1, concat([m, m], 0).
TEST(TgControlFlowTest, WhileLoopDoublesTheFedBlockTenTimes) {
  TG_SKIP_WITHOUT_TESTDATA();
  const std::string dir = ::testing::TempDir() + "/while";
  const std::vector<float> block = {1, 2, -3, 4.5f, 5, 6};  // [3, 2]
  const std::string feed = ::testing::TempDir() + "/block.npy";
  TG_ASSERT_OK(
      WriteNpyFile(Tensor::FromVector(block, TensorShape{3, 2}), feed));
  // Its PlaceholderV2 (a producer-21 file) is a placeholder like any other.
  Result inspected = Tg({"inspect", File("while_loop.pbtxt")});
  ASSERT_EQ(inspected.code, 0) << inspected.err;
  EXPECT_THAT(inspected.out, HasSubstr("placeholders:\n  ones  float [?,2]"));
  Result r =
      Tg({"run", File("while_loop.pbtxt"), "--feed", "ones=" + feed, "--fetch",
          "while/Exit", "--fetch", "while/Exit_1", "--out_dir", dir});
  ASSERT_EQ(r.code, 0) << r.err;
  TG_ASSERT_OK_AND_ASSIGN(Tensor i, Output(dir, "while_Exit_0"));
  EXPECT_EQ(i.scalar<int32_t>(), 10);
  TG_ASSERT_OK_AND_ASSIGN(Tensor m, Output(dir, "while_Exit_1_0"));
  ASSERT_EQ(m.shape(), (TensorShape{3 * 1024, 2}));
  for (int64_t row = 0; row < 3 * 1024; ++row) {
    for (int col = 0; col < 2; ++col) {
      ASSERT_EQ(m.flat<float>()[row * 2 + col], block[(row % 3) * 2 + col])
          << "row " << row;
    }
  }
}

// Outer i < 3 (carrying ones [1,1,1] doubled along axis 0 each time),
// inner loops whose results nothing uses.
TEST(TgControlFlowTest, NestedLoopGivesThreeAndEightRows) {
  TG_SKIP_WITHOUT_TESTDATA();
  const std::string dir = ::testing::TempDir() + "/nested";
  Result r = Tg({"run", File("nested_loop.pbtxt"), "--fetch", "while/Exit",
                 "--fetch", "while/Exit_1", "--out_dir", dir});
  ASSERT_EQ(r.code, 0) << r.err;
  TG_ASSERT_OK_AND_ASSIGN(Tensor i, Output(dir, "while_Exit_0"));
  EXPECT_EQ(i.scalar<int32_t>(), 3);
  TG_ASSERT_OK_AND_ASSIGN(Tensor m, Output(dir, "while_Exit_1_0"));
  ASSERT_EQ(m.shape(), (TensorShape{8, 1, 1}));
  for (float v : m.flat<float>()) EXPECT_EQ(v, 1.0f);
}

// Less(7, 5) is false: the else branch (concat_1) runs; the then branch's
// concat is dead.
TEST(TgControlFlowTest, CondTakesTheElseBranchAndItsThenSideIsDead) {
  TG_SKIP_WITHOUT_TESTDATA();
  const std::string dir = ::testing::TempDir() + "/cond";
  Result r = Tg({"run", File("merge_without_loops.pbtxt"), "--fetch",
                 "cond/Merge:0", "--fetch", "cond/Merge:1", "--fetch", "concat",
                 "--fetch", "cond/concat_1", "--out_dir", dir});
  ASSERT_EQ(r.code, 0) << r.err;
  const std::pair<const char*, TensorShape> ones[] = {
      {"cond_Merge_0", TensorShape{1, 2, 1}},
      {"concat_0", TensorShape{1, 2, 2}},
      {"cond_concat_1_0", TensorShape{1, 2, 1}}};
  for (const auto& [name, shape] : ones) {
    TG_ASSERT_OK_AND_ASSIGN(Tensor t, Output(dir, name));
    EXPECT_EQ(t.shape(), shape) << name;
    for (float v : t.flat<float>()) EXPECT_EQ(v, 1.0f) << name;
  }
  TG_ASSERT_OK_AND_ASSIGN(Tensor index, Output(dir, "cond_Merge_1"));
  EXPECT_EQ(index.scalar<int32_t>(), 1);
  r = Tg({"run", File("merge_without_loops.pbtxt"), "--fetch", "cond/concat"});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("'cond/concat:0' has no value"));
  EXPECT_THAT(r.err, HasSubstr("dead"));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

// A TensorFlow 2 graph written here: a While over library functions
// (twice: x * 2; small: x < 100).
std::string FunctionalGraph() {
  using ::tg::testing::ConstText;
  using ::tg::testing::NodeText;
  using ::tg::testing::SignatureText;
  const std::string while_attrs =
      "attr { key: 'T' value { list { type: DT_FLOAT } } } "
      "attr { key: 'cond' value { func { name: 'small' } } } "
      "attr { key: 'body' value { func { name: 'twice' } } }";
  return absl::StrCat(
      "node { name: 'x' op: 'Placeholder' attr { key: 'dtype' value { type: "
      "DT_FLOAT } } }\n",
      NodeText("while", "While", {"x"}, "", false, while_attrs),
      "library { function { ",
      SignatureText("twice", {{"x", "DT_FLOAT"}}, {{"y", "DT_FLOAT"}}),
      ConstText("two", "DT_FLOAT", 2, true),
      NodeText("m", "Mul", {"x", "two:output:0"}, "DT_FLOAT", true),
      "ret { key: 'y' value: 'm:z:0' } } function { ",
      SignatureText("small", {{"x", "DT_FLOAT"}}, {{"ok", "DT_BOOL"}}),
      ConstText("limit", "DT_FLOAT", 100, true),
      NodeText("l", "Less", {"x", "limit:output:0"}, "DT_FLOAT", true),
      "ret { key: 'ok' value: 'l:z:0' } } }");
}

// x doubles while below 100; dot draws a function's body; a loop bound
// below what the loop needs is one clear line.
TEST(TgControlFlowTest, FunctionalWhileRunsDrawsAndIsBounded) {
  const std::string graph = ::testing::TempDir() + "/functional.pbtxt";
  TG_ASSERT_OK(WriteFileAtomically(graph, FunctionalGraph()));
  const std::string x = ::testing::TempDir() + "/x3.npy";
  TG_ASSERT_OK(WriteNpyFile(Tensor::Scalar(3.0f), x));
  const std::string dir = ::testing::TempDir() + "/functional";
  Result r = Tg(
      {"run", graph, "--feed", "x=" + x, "--fetch", "while", "--out_dir", dir});
  ASSERT_EQ(r.code, 0) << r.err;
  float want = 3;
  while (want < 100) want *= 2;
  TG_ASSERT_OK_AND_ASSIGN(Tensor y, Output(dir, "while_0"));
  EXPECT_EQ(y.scalar<float>(), want);
  r = Tg({"run", graph, "--feed", "x=" + x, "--fetch", "while",
          "--max_loop_iterations", "3"});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("loop 'while' ran 3 iterations"));
  r = Tg({"dot", graph, "--function", "twice"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"x\" -> \"m\""));
  EXPECT_THAT(r.out, HasSubstr("\"m\" -> \"_ret_y\""));
  r = Tg({"dot", graph, "--function", "nowhere"});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("no function 'nowhere'"));
}

}  // namespace
}  // namespace tg
