// Files written by TensorFlow (../shared/testdata/tensorflow) load here and
// give the results TensorFlow gives, as listed in that folder's README.
#include <cmath>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "graph/graph_def_io.h"
#include "gtest/gtest.h"
#include "runtime/session.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/testdata.h"

namespace tg {
namespace {

using ::testing::AllOf;
using ::testing::DoubleNear;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::FloatNear;
using ::testing::HasSubstr;
using ::tg::testing::StatusIs;

constexpr char kRust[] = "tensorflow-rust@1ddf5a348037/";
constexpr char kOnnx[] = "onnx-tensorflow-onnx@6537fcb2ee98/tests/models/";
constexpr char kTf[] = "tensorflow-tensorflow@936cdcdac96d/tensorflow/";

absl::StatusOr<std::unique_ptr<Session>> Load(const std::string& relative) {
  TG_ASSIGN_OR_RETURN(GraphDef def,
                      ReadGraphDefFile(TG_TENSORFLOW_TESTDATA(relative)));
  return Session::Create(def);
}

TEST(TensorFlowFilesTest, MultiplicationProducer9UnknownPlaceholderShape) {
  TG_SKIP_WITHOUT_TESTDATA();
  TG_ASSERT_OK_AND_ASSIGN(
      auto session, Load(std::string(kRust) +
                         "tensorflow-sys/examples/assets/multiplication.pb"));
  // Producer 9 wrote `shape {}` for "unknown": a vector must be accepted.
  std::vector<Tensor> out;
  TG_ASSERT_OK(session->Run({{"a", Tensor::FromVector<float>({1, 2, 3})},
                             {"b", Tensor::FromVector<float>({4, 5, 6})}},
                            {"c"}, {}, &out));
  EXPECT_THAT(out[0].flat<float>(), ElementsAre(4, 10, 18));
}

TEST(TensorFlowFilesTest, AdditionInt32Producer1882) {
  TG_SKIP_WITHOUT_TESTDATA();
  TG_ASSERT_OK_AND_ASSIGN(
      auto session, Load(std::string(kRust) + "examples/addition/model.pb"));
  std::vector<Tensor> out;
  TG_ASSERT_OK(session->Run(
      {{"x", Tensor::Scalar<int32_t>(2)}, {"y", Tensor::Scalar<int32_t>(40)}},
      {"z:0"}, {}, &out));
  EXPECT_EQ(out[0].scalar<int32_t>(), 42);
}

TEST(TensorFlowFilesTest, RegressionFrozenWithoutVersions) {
  TG_SKIP_WITHOUT_TESTDATA();
  TG_ASSERT_OK_AND_ASSIGN(
      auto session, Load(std::string(kOnnx) + "regression/graphdef/frozen.pb"));
  std::vector<Tensor> out;
  TG_ASSERT_OK(session->Run({{"X:0", Tensor::FromVector<float>({1, 2})}},
                            {"pred:0"}, {}, &out));
  EXPECT_THAT(out[0].flat<float>(), ElementsAre(FloatNear(1.2634872f, 1e-6f),
                                                FloatNear(1.4774490f, 1e-6f)));
}

TEST(TensorFlowFilesTest, FcLayersTensorContentWeights) {
  TG_SKIP_WITHOUT_TESTDATA();
  TG_ASSERT_OK_AND_ASSIGN(auto session,
                          Load(std::string(kOnnx) + "fc-layers/frozen.pb"));
  Tensor zeros(DT_FLOAT, TensorShape({1, 784}));
  std::fill_n(zeros.data<float>(), 784, 0.0f);
  Tensor ramp(DT_FLOAT, TensorShape({1, 784}));
  for (int i = 0; i < 784; ++i) ramp.data<float>()[i] = (i + 1) / 784.0f;
  // TensorFlow's results, computed in float64 from the file's weights.
  const double want_zeros[] = {-0.331596, -1.0948,  -0.0923687, -0.230567,
                               -1.02367,  0.971254, -0.763258,  -1.41005,
                               0.812187,  -0.214315};
  const double want_ramp[] = {-11.3573, -4.61952, 8.97691,  1.54868,  -15.4279,
                              -4.3227,  -17.9453, -6.04979, -2.82079, -16.789};
  for (const auto& [x, want] :
       {std::make_pair(zeros, want_zeros), std::make_pair(ramp, want_ramp)}) {
    std::vector<Tensor> out;
    TG_ASSERT_OK(session->Run({{"X:0", x}}, {"output:0"}, {}, &out));
    ASSERT_EQ(out[0].NumElements(), 10);
    for (int i = 0; i < 10; ++i) {
      // The README's values have 6 significant digits.
      EXPECT_NEAR(out[0].flat<float>()[i], want[i],
                  1e-4 * std::abs(want[i]) + 2e-6)
          << "output " << i;
    }
  }
}

TEST(TensorFlowFilesTest, PermuteTextGraph) {
  TG_SKIP_WITHOUT_TESTDATA();
  TG_ASSERT_OK_AND_ASSIGN(
      auto session,
      Load(std::string(kTf) + "lite/python/testdata/permute.pbtxt"));
  std::vector<Tensor> out;
  TG_ASSERT_OK(session->Run(
      {{"input", Tensor::FromVector<float>({1, 2, 3, 4}, TensorShape({1, 4}))}},
      {"output"}, {}, &out));
  EXPECT_THAT(out[0].flat<float>(), ElementsAre(4, 3, 2, 1));
}

TEST(TensorFlowFilesTest, GatherOnStrings) {
  TG_SKIP_WITHOUT_TESTDATA();
  TG_ASSERT_OK_AND_ASSIGN(
      auto session,
      Load(std::string(kTf) + "lite/python/testdata/gather.pbtxt"));
  Tensor input(DT_STRING, TensorShape({10}));
  for (int i = 0; i < 10; ++i) {
    input.flat<std::string>()[i] = absl::StrCat("word", i);
  }
  std::vector<Tensor> out;
  TG_ASSERT_OK(session->Run(
      {{"input", input}, {"indices", Tensor::FromVector<int64_t>({7, 0, 7})}},
      {"output"}, {}, &out));
  EXPECT_THAT(out[0].flat<std::string>(),
              ElementsAre("word7", "word0", "word7"));
}

TEST(TensorFlowFilesTest, MultiAddWithDeviceFields) {
  TG_SKIP_WITHOUT_TESTDATA();
  TG_ASSERT_OK_AND_ASSIGN(
      auto session, Load(std::string(kTf) + "lite/testdata/multi_add.pb"));
  const TensorShape shape({1, 8, 8, 3});
  std::vector<std::pair<std::string, Tensor>> feeds;
  for (const char* name : {"a", "b", "c", "d"}) {
    Tensor t(DT_FLOAT, shape);
    for (int64_t i = 0; i < t.NumElements(); ++i) {
      t.flat<float>()[i] = static_cast<float>(i % 7) + (name[0] - 'a') * 10;
    }
    feeds.emplace_back(name, t);
  }
  std::vector<Tensor> out;
  TG_ASSERT_OK(session->Run(feeds, {"x", "y"}, {}, &out));
  for (int64_t i = 0; i < out[0].NumElements(); ++i) {
    const float bc =
        feeds[1].second.flat<float>()[i] + feeds[2].second.flat<float>()[i];
    ASSERT_EQ(out[0].flat<float>()[i], feeds[0].second.flat<float>()[i] + bc);
    ASSERT_EQ(out[1].flat<float>()[i], feeds[3].second.flat<float>()[i] + bc);
  }
}

TEST(TensorFlowFilesTest, UnknownOpIsNamed) {
  TG_SKIP_WITHOUT_TESTDATA();
  EXPECT_THAT(
      Load(std::string(kTf) + "compiler/aot/test_graph_tfunknownop.pbtxt"),
      StatusIs(absl::StatusCode::kNotFound, HasSubstr("SomeUnknownOp")));
}

TEST(TensorFlowFilesTest, DanglingInputIsNamedUnlessNotNeeded) {
  TG_SKIP_WITHOUT_TESTDATA();
  const std::string path = TG_TENSORFLOW_TESTDATA(
      std::string(kTf) + "compiler/aot/test_graph_tfadd.pbtxt");
  TG_ASSERT_OK_AND_ASSIGN(GraphDef def, ReadGraphDefFile(path));
  EXPECT_THAT(Session::Create(def),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("y_reshape"), HasSubstr("y_shape"))));
  // A fetch that does not need the broken node still runs.
  TG_ASSERT_OK_AND_ASSIGN(GraphDef pruned, PruneGraphDef(def, {"x_const"}));
  TG_ASSERT_OK_AND_ASSIGN(auto session, Session::Create(pruned));
  std::vector<Tensor> out;
  TG_ASSERT_OK(session->Run({}, {"x_const"}, {}, &out));
  EXPECT_THAT(out[0].flat<int32_t>(), ElementsAre(1));
}

// Two direct calls of a library function (one nested in the other's
// input); its Consts hold one float_val broadcast to [1, 2].
TEST(TensorFlowFilesTest, FunctionLibraryCallsAreInlined) {
  TG_SKIP_WITHOUT_TESTDATA();
  TG_ASSERT_OK_AND_ASSIGN(
      auto session,
      Load(std::string(kTf) + "core/grappler/costs/graph_properties_testdata/"
                              "simple_function.pbtxt"));
  std::vector<Tensor> out;
  TG_ASSERT_OK(
      session->Run({}, {"MyAdd_55e046a8_1:0", "MyAdd_55e046a8:0"}, {}, &out));
  EXPECT_EQ(out[0].shape(), TensorShape({1, 2}));
  EXPECT_THAT(out[0].flat<float>(), ElementsAre(6, 6));
  EXPECT_THAT(out[1].flat<float>(), ElementsAre(4, 4));
}

}  // namespace
}  // namespace tg
