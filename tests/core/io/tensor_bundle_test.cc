// The checkpoint index table and V2 tensor bundles: round trips, TensorFlow's
// own checkpoints, Snappy blocks, and damaged files.
#include "core/io/tensor_bundle.h"

#include <snappy.h>

#include <map>

#include "absl/strings/str_cat.h"
#include "core/allocator.h"
#include "core/file_io.h"
#include "core/io/coding.h"
#include "core/io/crc32c.h"
#include "core/io/table.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/tensor_matchers.h"
#include "tests/testing/testdata.h"

namespace tg {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::tg::testing::BitIdenticalTo;
using ::tg::testing::StatusIs;

constexpr char kOnnx[] = "onnx-tensorflow-onnx@6537fcb2ee98/tests/models/";
constexpr char kTf[] = "tensorflow-tensorflow@936cdcdac96d/tensorflow/";

TEST(TableTest, RoundTripAcrossManyBlocks) {
  TableBuilder builder(/*block_size=*/64);
  std::map<std::string, std::string> expected;
  for (int i = 0; i < 500; ++i) {
    std::string key = absl::StrCat("layer_", 1000 + i, "/kernel");
    std::string value(i % 37, static_cast<char>('a' + i % 26));
    expected[key] = value;
  }
  for (const auto& [k, v] : expected) TG_ASSERT_OK(builder.Add(k, v));
  const std::string file = builder.Finish();
  // Ends with the table magic, low word first.
  EXPECT_EQ(file.substr(file.size() - 8),
            std::string("\x57\xfb\x80\x8b\x24\x75\x47\xdb", 8));
  TG_ASSERT_OK_AND_ASSIGN(auto table, ReadTable(file, "t"));
  EXPECT_EQ(table, expected);
}

TEST(TableTest, KeysOutOfOrderRejected) {
  TableBuilder builder;
  TG_ASSERT_OK(builder.Add("b", "1"));
  EXPECT_THAT(builder.Add("a", "2"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("'a'")));
  EXPECT_THAT(builder.Add("b", "2"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("order")));
}

TEST(TableTest, EmptyTableReads) {
  TableBuilder builder;
  TG_ASSERT_OK_AND_ASSIGN(auto table, ReadTable(builder.Finish(), "t"));
  EXPECT_TRUE(table.empty());
}

// The block of two entries, alpha=1 and beta=22, with one restart point.
std::string TwoEntryBlock() {
  std::string block;
  for (auto [k, v] :
       {std::pair<std::string, std::string>{"alpha", "1"}, {"beta", "22"}}) {
    block += static_cast<char>(0);
    block += static_cast<char>(k.size());
    block += static_cast<char>(v.size());
    block += k + v;
  }
  coding::PutFixed32(&block, 0);  // One restart point at offset 0.
  coding::PutFixed32(&block, 1);
  return block;
}

// A table file built here by hand around one data block of compression
// `type` (1: Snappy), whose last key is "beta".
std::string OneBlockTable(const std::string& data_block, char type) {
  std::string file;
  const auto append_block = [&file](const std::string& b, char type) {
    std::string handle;
    coding::PutVarint64(&handle, file.size());
    coding::PutVarint64(&handle, b.size());
    file += b;
    file += type;
    const uint32_t crc = crc32c::Extend(crc32c::Value(b), &type, 1);
    coding::PutFixed32(&file, crc32c::Mask(crc));
    return handle;
  };
  const std::string data_handle = append_block(data_block, type);
  std::string empty;
  coding::PutFixed32(&empty, 0);
  coding::PutFixed32(&empty, 1);
  const std::string meta_handle = append_block(empty, 0);
  std::string index;
  index += std::string("\x00\x04", 2) + static_cast<char>(data_handle.size());
  index += "beta" + data_handle;
  coding::PutFixed32(&index, 0);
  coding::PutFixed32(&index, 1);
  const std::string index_handle = append_block(index, 0);
  std::string footer = meta_handle + index_handle;
  footer.resize(40, '\0');
  footer += std::string("\x57\xfb\x80\x8b\x24\x75\x47\xdb", 8);
  return file + footer;
}

// Its data block Snappy-compressed, as other writers may do.
TEST(TableTest, SnappyBlockAccepted) {
  const std::string block = TwoEntryBlock();
  std::string compressed;
  snappy::Compress(block.data(), block.size(), &compressed);
  TG_ASSERT_OK_AND_ASSIGN(auto table,
                          ReadTable(OneBlockTable(compressed, 1), "snappy"));
  EXPECT_THAT(
      table,
      ElementsAre(std::pair<const std::string, std::string>("alpha", "1"),
                  std::pair<const std::string, std::string>("beta", "22")));
}

// A Snappy block is checked before its declared length is allocated: 4 GiB
// declared over three bytes of data is refused, and so is a real block
// longer than the memory limit.
TEST(TableTest, SnappyBlockDeclaringTooMuchIsRefused) {
  // Varint 2^32 - 1, then a literal of 3 bytes ("abc").
  const std::string lying(
      "\xff\xff\xff\xff\x0f\x08"
      "abc",
      9);
  EXPECT_THAT(ReadTable(OneBlockTable(lying, 1), "lying"),
              StatusIs(absl::StatusCode::kDataLoss,
                       AllOf(HasSubstr("'lying'"), HasSubstr("Snappy"))));
  const std::string block = TwoEntryBlock();
  std::string compressed;
  snappy::Compress(block.data(), block.size(), &compressed);
  const int64_t limit = DefaultMemoryLimitBytes();
  SetDefaultMemoryLimitBytes(16);  // Less than the 26-byte block.
  absl::StatusOr<std::map<std::string, std::string>> table =
      ReadTable(OneBlockTable(compressed, 1), "big");
  SetDefaultMemoryLimitBytes(limit);
  EXPECT_THAT(table, StatusIs(absl::StatusCode::kResourceExhausted,
                              AllOf(HasSubstr("'big'"),
                                    HasSubstr("26 uncompressed bytes"))));
}

class BundleTest : public ::testing::Test {
 protected:
  std::string prefix_ = testing::TempDir() + "/model.ckpt-7";
};

TEST_F(BundleTest, RoundTripIsBitExact) {
  Tensor f(DT_FLOAT, TensorShape({2, 3}));
  const float fv[] = {1.5f, -0.0f, 3.25e-38f, 1e30f, -7.0f, 0.1f};
  std::copy(fv, fv + 6, f.flat<float>().begin());
  Tensor nan = Tensor::FromVector<double>({std::nan("1"), -1e-300});
  Tensor i64 = Tensor::FromVector<int64_t>({INT64_MIN, 0, INT64_MAX});
  Tensor s(DT_STRING, TensorShape({3}));
  s.flat<std::string>()[0] = "";
  s.flat<std::string>()[1] = std::string("a\0b", 3);
  s.flat<std::string>()[2] = std::string(300, 'z');
  Tensor empty(DT_FLOAT, TensorShape({0, 4}));
  Tensor b = Tensor::FromVector<bool>({true, false});
  {
    TG_ASSERT_OK_AND_ASSIGN(auto w, BundleWriter::Create(prefix_));
    TG_ASSERT_OK(w->Add("dense/kernel", f));
    TG_ASSERT_OK(w->Add("a_nan", nan));
    TG_ASSERT_OK(w->Add("global_step", i64));
    TG_ASSERT_OK(w->Add("strings", s));
    TG_ASSERT_OK(w->Add("empty", empty));
    TG_ASSERT_OK(w->Add("flags", b));
    EXPECT_THAT(w->Add("flags", b), StatusIs(absl::StatusCode::kInvalidArgument,
                                             HasSubstr("twice")));
    TG_ASSERT_OK(w->Finish());
  }
  TG_ASSERT_OK_AND_ASSIGN(auto r, BundleReader::Open(prefix_));
  EXPECT_THAT(r->Names(), ElementsAre("a_nan", "dense/kernel", "empty", "flags",
                                      "global_step", "strings"));
  EXPECT_EQ(r->header().num_shards(), 1);
  for (const auto& [name, t] :
       std::vector<std::pair<std::string, Tensor>>{{"dense/kernel", f},
                                                   {"a_nan", nan},
                                                   {"global_step", i64},
                                                   {"empty", empty},
                                                   {"flags", b}}) {
    TG_ASSERT_OK_AND_ASSIGN(Tensor back, r->Read(name));
    EXPECT_THAT(back, BitIdenticalTo(t)) << name;
  }
  TG_ASSERT_OK_AND_ASSIGN(Tensor sback, r->Read("strings"));
  EXPECT_THAT(sback.flat<std::string>(),
              ElementsAre("", std::string("a\0b", 3), std::string(300, 'z')));
  EXPECT_THAT(r->Read("nope").status(),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("'nope'")));
}

TEST_F(BundleTest, UnfinishedWriterLeavesNothing) {
  {
    TG_ASSERT_OK_AND_ASSIGN(auto w, BundleWriter::Create(prefix_));
    TG_ASSERT_OK(w->Add("x", Tensor::Scalar<float>(1)));
  }
  EXPECT_THAT(
      BundleReader::Open(prefix_).status(),
      StatusIs(absl::StatusCode::kNotFound, HasSubstr("no checkpoint")));
  EXPECT_THAT(ReadFileToString(BundleDataPath(prefix_, 0, 1)).status(),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("data")));
}

TEST_F(BundleTest, MergeCombinesShards) {
  const std::string a = prefix_ + "_temp/part-0", b = prefix_ + "_temp/part-1";
  TG_ASSERT_OK(CreateDirectories(prefix_ + "_temp"));
  for (const auto& [p, name, v] :
       {std::tuple<std::string, std::string, float>{a, "w", 2.f},
        {b, "b", 3.f}}) {
    TG_ASSERT_OK_AND_ASSIGN(auto w, BundleWriter::Create(p));
    TG_ASSERT_OK(w->Add(name, Tensor::Scalar<float>(v)));
    TG_ASSERT_OK(w->Finish());
  }
  TG_ASSERT_OK(MergeBundles({a, b}, prefix_, /*delete_old=*/true));
  TG_ASSERT_OK_AND_ASSIGN(auto r, BundleReader::Open(prefix_));
  TG_ASSERT_OK_AND_ASSIGN(Tensor w, r->Read("w"));
  EXPECT_EQ(w.scalar<float>(), 2.f);
  EXPECT_FALSE(BundleReader::Open(a).ok());
}

class DamagedBundleTest : public BundleTest {
 protected:
  void SetUp() override {
    TG_ASSERT_OK_AND_ASSIGN(auto w, BundleWriter::Create(prefix_));
    TG_ASSERT_OK(w->Add("w", Tensor::FromVector<float>({1, 2, 3, 4})));
    TG_ASSERT_OK(w->Finish());
    TG_ASSERT_OK_AND_ASSIGN(index_, ReadFileToString(BundleIndexPath(prefix_)));
    TG_ASSERT_OK_AND_ASSIGN(data_,
                            ReadFileToString(BundleDataPath(prefix_, 0, 1)));
  }
  std::string index_, data_;
};

TEST_F(DamagedBundleTest, FlippedDataByteIsCaughtByCrc) {
  data_[5] ^= 0x10;
  TG_ASSERT_OK(WriteFileAtomically(BundleDataPath(prefix_, 0, 1), data_));
  TG_ASSERT_OK_AND_ASSIGN(auto r, BundleReader::Open(prefix_));
  EXPECT_THAT(r->Read("w").status(),
              StatusIs(absl::StatusCode::kDataLoss,
                       AllOf(HasSubstr("'w'"), HasSubstr("CRC"))));
}

TEST_F(DamagedBundleTest, TruncatedDataFile) {
  TG_ASSERT_OK(
      WriteFileAtomically(BundleDataPath(prefix_, 0, 1), data_.substr(0, 10)));
  TG_ASSERT_OK_AND_ASSIGN(auto r, BundleReader::Open(prefix_));
  EXPECT_THAT(r->Read("w").status(),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("truncated")));
}

TEST_F(DamagedBundleTest, TruncatedOrFlippedIndex) {
  for (size_t cut : {size_t{0}, size_t{20}, index_.size() - 1}) {
    TG_ASSERT_OK(
        WriteFileAtomically(BundleIndexPath(prefix_), index_.substr(0, cut)));
    EXPECT_THAT(BundleReader::Open(prefix_).status(),
                StatusIs(absl::StatusCode::kDataLoss, HasSubstr(".index")))
        << "cut at " << cut;
  }
  std::string flipped = index_;
  flipped[3] ^= 0x01;  // Inside the data block.
  TG_ASSERT_OK(WriteFileAtomically(BundleIndexPath(prefix_), flipped));
  EXPECT_THAT(BundleReader::Open(prefix_).status(),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("CRC")));
}

TEST(TensorFlowCheckpointTest, RegressionCheckpointRestoresWAndB) {
  TG_SKIP_WITHOUT_TESTDATA();
  TG_ASSERT_OK_AND_ASSIGN(
      auto r, BundleReader::Open(TG_TENSORFLOW_TESTDATA(
                  std::string(kOnnx) + "regression/checkpoint/model")));
  TG_ASSERT_OK_AND_ASSIGN(Tensor w, r->Read("W"));
  TG_ASSERT_OK_AND_ASSIGN(Tensor b, r->Read("b"));
  EXPECT_EQ(w.dtype(), DT_FLOAT);
  EXPECT_FLOAT_EQ(w.flat<float>()[0], 0.21396178f);
  EXPECT_FLOAT_EQ(b.flat<float>()[0], 1.0495254f);
}

TEST(TensorFlowCheckpointTest, HalfPlusTwoVariables) {
  TG_SKIP_WITHOUT_TESTDATA();
  for (const char* model : {"half_plus_two", "half_plus_two_pbtxt"}) {
    TG_ASSERT_OK_AND_ASSIGN(
        auto r, BundleReader::Open(TG_TENSORFLOW_TESTDATA(
                    absl::StrCat(kTf, "cc/saved_model/testdata/", model,
                                 "/00000123/variables/variables"))));
    TG_ASSERT_OK_AND_ASSIGN(Tensor a, r->Read("a"));
    TG_ASSERT_OK_AND_ASSIGN(Tensor b, r->Read("b"));
    TG_ASSERT_OK_AND_ASSIGN(Tensor c, r->Read("c"));
    EXPECT_EQ(a.scalar<float>(), 0.5f);
    EXPECT_EQ(b.scalar<float>(), 2.0f);
    EXPECT_EQ(c.scalar<float>(), 3.0f);
  }
}

// An object-based checkpoint (TensorFlow 2.14): its variables under
// ".ATTRIBUTES" keys and a string tensor, whose entry CRC covers the
// lengths as fixed ints, their checksum and the bytes.
TEST(TensorFlowCheckpointTest, ObjectBasedCheckpointWithAStringTensor) {
  TG_SKIP_WITHOUT_TESTDATA();
  TG_ASSERT_OK_AND_ASSIGN(
      auto r, BundleReader::Open(TG_TENSORFLOW_TESTDATA(
                  "tensorflow-serving@9d981c5c2708/tensorflow_serving/"
                  "servables/tensorflow/testdata/"
                  "saved_model_half_plus_two_tf2_cpu/00000123/variables/"
                  "variables")));
  TG_ASSERT_OK_AND_ASSIGN(Tensor a, r->Read("a/.ATTRIBUTES/VARIABLE_VALUE"));
  EXPECT_EQ(a.scalar<float>(), 0.5f);
  TG_ASSERT_OK_AND_ASSIGN(Tensor graph,
                          r->Read("_CHECKPOINTABLE_OBJECT_GRAPH"));
  ASSERT_EQ(graph.dtype(), DT_STRING);
  EXPECT_EQ(graph.flat<std::string>()[0].size(), 613u);
}

// Strings written here read back, and a flipped byte is caught.
TEST(BundleStringTest, RoundTripAndCorruptionIsCaught) {
  const std::string prefix = testing::TempDir() + "/strings";
  Tensor s(DT_STRING, TensorShape({3}));
  s.flat<std::string>()[0] = "alpha";
  s.flat<std::string>()[1] = "";
  s.flat<std::string>()[2] = std::string(300, 'z');
  {
    TG_ASSERT_OK_AND_ASSIGN(auto w, BundleWriter::Create(prefix));
    TG_ASSERT_OK(w->Add("s", s));
    TG_ASSERT_OK(w->Finish());
  }
  TG_ASSERT_OK_AND_ASSIGN(auto r, BundleReader::Open(prefix));
  TG_ASSERT_OK_AND_ASSIGN(Tensor back, r->Read("s"));
  EXPECT_EQ(back.flat<std::string>()[2], std::string(300, 'z'));
  const std::string data = BundleDataPath(prefix, 0, 1);
  TG_ASSERT_OK_AND_ASSIGN(std::string bytes, ReadFileToString(data));
  bytes[bytes.size() - 1] ^= 1;  // A byte of the last string.
  TG_ASSERT_OK(WriteFileAtomically(data, bytes));
  TG_ASSERT_OK_AND_ASSIGN(auto again, BundleReader::Open(prefix));
  EXPECT_THAT(again->Read("s"),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("CRC mismatch")));
}

}  // namespace
}  // namespace tg
