// TensorFlow-written graphs with control flow through `tg run`: a
// tf.while_loop, a loop nested in a loop and a tf.cond (its README's
// values: derived from each graph by hand, computed here from what is
// fed), and the one clear line a dead fetch gives.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "core/npy.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
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

}  // namespace
}  // namespace tg
