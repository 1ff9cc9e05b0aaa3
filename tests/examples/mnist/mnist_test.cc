// The MNIST example: IDX reading (raw, gzip, and every kind of bad file),
// the reference model's size, and a smoke test on synthetic data.
#include <zlib.h>

#include <cstdio>
#include <random>

#include "examples/mnist/idx.h"
#include "examples/mnist/mlp.h"
#include "examples/mnist/mnist_data.h"
#include "gmock/gmock.h"
#include "graph/graph_def_io.h"
#include "gtest/gtest.h"
#include "runtime/client_session.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/testdata.h"

namespace tg {
namespace mnist {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::tg::testing::StatusIs;

// An IDX file written by hand: big-endian header, then bytes.
std::string IdxBytes(uint32_t magic, const std::vector<uint32_t>& dims,
                     const std::vector<uint8_t>& data) {
  std::string s;
  auto be = [&s](uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) s.push_back(char(v >> shift));
  };
  be(magic);
  for (uint32_t d : dims) be(d);
  s.append(data.begin(), data.end());
  return s;
}

std::string WriteFile(const std::string& name, const std::string& bytes,
                      bool gzip = false) {
  const std::string path = testing::TempDir() + "/" + name;
  if (gzip) {
    gzFile f = gzopen(path.c_str(), "wb");
    gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
    gzclose(f);
  } else {
    FILE* f = std::fopen(path.c_str(), "wb");
    std::fwrite(bytes.data(), 1, bytes.size(), f);
    std::fclose(f);
  }
  return path;
}

TEST(IdxTest, ReadsRawAndGzip) {
  const std::string bytes = IdxBytes(0x00000803, {2, 1, 3}, {1, 2, 3, 4, 5, 6});
  for (bool gz : {false, true}) {
    TG_ASSERT_OK_AND_ASSIGN(
        IdxArray a, ReadIdxFile(WriteFile(gz ? "a.gz" : "a", bytes, gz)));
    EXPECT_THAT(a.dims, ElementsAre(2, 1, 3));
    EXPECT_THAT(a.data, ElementsAre(1, 2, 3, 4, 5, 6));
  }
}

TEST(IdxTest, BadFilesAreClearErrors) {
  EXPECT_THAT(ReadIdxFile(testing::TempDir() + "/absent-idx"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("absent-idx")));
  EXPECT_THAT(
      ReadIdxFile(WriteFile("magic", IdxBytes(0x00000D03, {1, 1, 1}, {0}))),
      StatusIs(absl::StatusCode::kDataLoss,
               AllOf(HasSubstr("magic"), HasSubstr("00000d03"))));
  EXPECT_THAT(
      ReadIdxFile(WriteFile("short", IdxBytes(0x00000801, {5}, {1, 2}))),
      StatusIs(absl::StatusCode::kDataLoss,
               AllOf(HasSubstr("short"), HasSubstr("truncated"))));
  EXPECT_THAT(ReadIdxFile(WriteFile("tiny", "\x00\x00")),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("too short")));
  // A gzip stream cut in the middle.
  std::string gz_path = WriteFile(
      "cut.gz", IdxBytes(0x00000801, {4096}, std::vector<uint8_t>(4096, 7)),
      true);
  FILE* f = std::fopen(gz_path.c_str(), "rb");
  std::string gz(8192, '\0');
  gz.resize(std::fread(gz.data(), 1, gz.size(), f));
  std::fclose(f);
  EXPECT_THAT(ReadIdxFile(WriteFile("cut2.gz", gz.substr(0, gz.size() / 2))),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("cut2.gz")));
}

TEST(MnistDataTest, MissingDirectoryPointsAtFetchScript) {
  EXPECT_THAT(LoadDataset(testing::TempDir() + "/no-mnist-here"),
              StatusIs(absl::StatusCode::kNotFound,
                       AllOf(HasSubstr("train-images-idx3-ubyte"),
                             HasSubstr("fetch_mnist.sh"))));
}

TEST(MnistDataTest, LabelsOutOfRangeAndCountMismatchAreErrors) {
  std::vector<uint8_t> pixels(2 * 28 * 28, 255);
  const std::string images =
      WriteFile("imgs", IdxBytes(0x00000803, {2, 28, 28}, pixels));
  EXPECT_THAT(
      LoadSplit(images, WriteFile("l3", IdxBytes(0x00000801, {3}, {1, 2, 3}))),
      StatusIs(absl::StatusCode::kDataLoss, HasSubstr("one label per image")));
  EXPECT_THAT(
      LoadSplit(images, WriteFile("l12", IdxBytes(0x00000801, {2}, {1, 12}))),
      StatusIs(absl::StatusCode::kDataLoss, HasSubstr("label 12")));
  TG_ASSERT_OK_AND_ASSIGN(
      Split ok,
      LoadSplit(images, WriteFile("l2", IdxBytes(0x00000801, {2}, {4, 9}))));
  EXPECT_EQ(ok.images.flat<float>()[0], 1.0f);  // 255 scales to 1.
  EXPECT_THAT(ok.labels.flat<int32_t>(), ElementsAre(4, 9));
}

TEST(MlpTest, ReferenceModelHas669706Parameters) {
  Scope root = Scope::NewRootScope();
  Mlp mlp = BuildMlp(root, MlpConfig());
  TG_ASSERT_OK(root.status());
  // 784*512 + 512 + 512*512 + 512 + 512*10 + 10: the layer sizes.
  EXPECT_EQ(CountParameters(mlp), 669706);
  EXPECT_EQ(mlp.variables[0].node()->name(), "dense/kernel");
  EXPECT_EQ(mlp.variables[5].node()->name(), "dense_2/bias");
}

// Synthetic, linearly separable data: the class is the brightest of ten
// pixel blocks. A few hundred SGD steps must learn it.
TEST(MlpTest, SmokeTrainsOnSyntheticData) {
  constexpr int kN = 500;
  Tensor images(DT_FLOAT, TensorShape({kN, 784}));
  Tensor labels(DT_INT32, TensorShape({kN}));
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> noise(0.0f, 0.3f);
  for (int i = 0; i < kN; ++i) {
    const int label = i % 10;
    labels.flat<int32_t>()[i] = label;
    for (int p = 0; p < 784; ++p) {
      images.flat<float>()[i * 784 + p] =
          noise(rng) + (p / 78 == label ? 0.7f : 0.0f);
    }
  }
  Scope root = Scope::NewRootScope();
  MlpConfig config;
  config.hidden = {32, 32};
  config.init_stddev = 0.3f;  // Faster start than the reference 0.01.
  Mlp mlp = BuildMlp(root, config);
  TG_ASSERT_OK(root.status());
  ClientSession session(root);
  TG_ASSERT_OK(session.Run({}, {}, {mlp.init}, nullptr));
  std::vector<Tensor> out;
  TG_ASSERT_OK(session.Run({{mlp.x, images}, {mlp.y, labels}},
                           {mlp.loss, mlp.accuracy}, &out));
  const float initial_loss = out[0].scalar<float>();
  EXPECT_GT(initial_loss, 1.5f);  // About chance.
  for (int step = 0; step < 300; ++step) {
    TG_ASSERT_OK(session.Run({{mlp.x, images}, {mlp.y, labels}}, {},
                             {mlp.train}, nullptr));
  }
  TG_ASSERT_OK(session.Run({{mlp.x, images}, {mlp.y, labels}},
                           {mlp.loss, mlp.accuracy}, &out));
  EXPECT_LT(out[0].scalar<float>(), 0.2f * initial_loss);
  EXPECT_GT(out[1].scalar<float>(), 0.95f);
}

// The training graph survives a trip through a GraphDef file: imported into
// a new session, it initializes to the same weights and takes the same
// step as the graph built in process.
TEST(MlpTest, TrainingGraphRoundTripsThroughAFile) {
  constexpr int kN = 20;
  Tensor images(DT_FLOAT, TensorShape({kN, 784}));
  Tensor labels(DT_INT32, TensorShape({kN}));
  for (int i = 0; i < kN * 784; ++i) images.flat<float>()[i] = (i % 13) / 13.0f;
  for (int i = 0; i < kN; ++i) labels.flat<int32_t>()[i] = i % 10;

  Scope root = Scope::NewRootScope();
  Mlp mlp = BuildMlp(root, MlpConfig());
  TG_ASSERT_OK(root.status());
  GraphDef def;
  TG_ASSERT_OK(root.ToGraphDef(&def));
  const std::string path = testing::TempDir() + "/mlp.pb";
  TG_ASSERT_OK(WriteGraphDefFile(def, path));
  TG_ASSERT_OK_AND_ASSIGN(GraphDef loaded, ReadGraphDefFile(path));
  TG_ASSERT_OK_AND_ASSIGN(auto from_file, Session::Create(loaded));
  ClientSession in_process(root);

  std::vector<Tensor> a, b;
  TG_ASSERT_OK(in_process.Run({}, {}, {mlp.init}, nullptr));
  TG_ASSERT_OK(from_file->Run({}, {}, {"init"}, nullptr));
  for (int step = 0; step < 3; ++step) {
    TG_ASSERT_OK(in_process.Run({{mlp.x, images}, {mlp.y, labels}}, {mlp.loss},
                                {mlp.train}, &a));
    TG_ASSERT_OK(from_file->Run({{"x", images}, {"y", labels}}, {"loss"},
                                {"train"}, &b));
    EXPECT_EQ(a[0].scalar<float>(), b[0].scalar<float>()) << "step " << step;
  }
  TG_ASSERT_OK(in_process.Run(mlp.variables, &a));
  TG_ASSERT_OK(from_file->Run({}, {"dense/kernel", "dense_2/bias"}, {}, &b));
  EXPECT_THAT(b[0].flat<float>(),
              ::testing::Pointwise(::testing::Eq(), a[0].flat<float>()));
  EXPECT_THAT(b[1].flat<float>(),
              ::testing::Pointwise(::testing::Eq(), a[5].flat<float>()));
}

}  // namespace
}  // namespace mnist
}  // namespace tg
