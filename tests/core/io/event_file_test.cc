// CRC32C, TFRecord framing and event files: byte-level vectors of
// TensorFlow's format, a round trip, TensorFlow's own event file, and damaged
// files.
#include "core/io/event_file.h"

#include <cstdio>
#include <map>

#include "absl/strings/str_cat.h"
#include "core/file_io.h"
#include "core/io/crc32c.h"
#include "core/io/record_io.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/testdata.h"

namespace tg {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::tg::testing::StatusIs;

std::string Bytes(std::initializer_list<int> b) {
  std::string s;
  for (int x : b) s.push_back(static_cast<char>(x));
  return s;
}

TEST(Crc32cTest, StandardVectors) {
  EXPECT_EQ(crc32c::Value("123456789"), 0xe3069283u);
  EXPECT_EQ(crc32c::Value(std::string(32, '\0')), 0x8a9136aau);
  EXPECT_EQ(crc32c::Mask(0), 0xa282ead8u);
  // Extending in pieces equals one pass.
  const uint32_t head = crc32c::Value("1234");
  EXPECT_EQ(crc32c::Extend(head, "56789", 5), 0xe3069283u);
  for (uint32_t v : {0u, 1u, 0xdeadbeefu, 0xffffffffu}) {
    EXPECT_EQ(crc32c::Unmask(crc32c::Mask(v)), v);
  }
}

TEST(RecordIoTest, FirstEventRecordMatchesFormatsVector) {
  Event e;
  e.set_wall_time(1700000000.0);
  e.set_file_version("brain.Event:2");
  const std::string event_bytes = e.SerializeAsString();
  ASSERT_EQ(event_bytes, Bytes({0x09, 0x00, 0x00, 0x00, 0x40, 0xfc, 0x54, 0xd9,
                                0x41, 0x1a, 0x0d}) +
                             "brain.Event:2");
  const std::string record = FrameRecord(event_bytes);
  EXPECT_EQ(record.substr(0, 12),
            Bytes({0x18, 0, 0, 0, 0, 0, 0, 0, 0xa3, 0x7f, 0x4b, 0x22}));
  EXPECT_EQ(record.substr(36), Bytes({0xec, 0xed, 0x8f, 0x9d}));
}

TEST(RecordIoTest, ScalarEventRecordMatchesFormatsVector) {
  Event e;
  e.set_wall_time(1700000001.0);
  e.set_step(10);
  auto* v = e.mutable_summary()->add_value();
  v->set_tag("loss");
  v->set_simple_value(0.5f);
  const std::string record = FrameRecord(e.SerializeAsString());
  ASSERT_EQ(record.size(), 42u);
  EXPECT_EQ(record.substr(8, 4), Bytes({0x12, 0x9b, 0xd8, 0x2d}));
  EXPECT_EQ(record.substr(38), Bytes({0x5d, 0xca, 0xdb, 0xa0}));
}

TEST(EventFileTest, WriterOutputReadsBack) {
  const std::string dir = testing::TempDir() + "/logs/run1";
  TG_ASSERT_OK_AND_ASSIGN(auto writer, EventFileWriter::Create(dir));
  EXPECT_THAT(writer->path(), HasSubstr("/events.out.tfevents."));
  GraphDef g;
  g.add_node()->set_name("x");
  TG_ASSERT_OK(writer->WriteGraph(g));
  TG_ASSERT_OK(writer->WriteScalar(3, "loss", 0.25f));
  TG_ASSERT_OK(writer->Close());
  TG_ASSERT_OK_AND_ASSIGN(auto events, ReadEventFile(writer->path()));
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].file_version(), "brain.Event:2");
  GraphDef back;
  ASSERT_TRUE(back.ParseFromString(events[1].graph_def()));
  EXPECT_EQ(back.node(0).name(), "x");
  EXPECT_EQ(events[2].step(), 3);
  EXPECT_EQ(events[2].summary().value(0).tag(), "loss");
  EXPECT_EQ(events[2].summary().value(0).simple_value(), 0.25f);
}

TEST(EventFileTest, LingvoEventFileEveryCrcChecked) {
  TG_SKIP_WITHOUT_TESTDATA();
  TG_ASSERT_OK_AND_ASSIGN(
      auto events,
      ReadEventFile(TG_TENSORFLOW_TESTDATA(
          "tensorflow-lingvo@e0be5dc4ce9b/lingvo/core/ops/testdata/"
          "events.out.tfevents.test")));
  ASSERT_EQ(events.size(), 361u);
  EXPECT_EQ(events[0].file_version(), "brain.Event:2");
  int summaries = 0, scalars = 0;
  std::map<std::string, int> tags;
  float best = -1;
  int64_t best_step = -1, min_step = INT64_MAX, max_step = 0;
  for (const Event& e : events) {
    if (!e.has_summary()) continue;
    ++summaries;
    for (const auto& v : e.summary().value()) {
      ASSERT_EQ(v.value_case(), Summary::Value::kSimpleValue);
      ++scalars;
      ++tags[v.tag()];
      min_step = std::min(min_step, e.step());
      max_step = std::max(max_step, e.step());
      if (v.tag() == "bleu/dev" && v.simple_value() > best) {
        best = v.simple_value();
        best_step = e.step();
      }
    }
  }
  EXPECT_EQ(summaries, 360);
  EXPECT_EQ(tags.size(), 7u);
  EXPECT_EQ(scalars, 360 * 7);  // Each summary holds one value per tag.
  EXPECT_EQ(tags.count("bleu/dev"), 1u);
  EXPECT_EQ(min_step, 1500);
  EXPECT_EQ(max_step, 185200);
  EXPECT_FLOAT_EQ(best, 0.288232952f);
  EXPECT_EQ(best_step, 102600);
}

class DamagedEventFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = testing::TempDir() + "/events.out.tfevents.damaged";
    Event a, b;
    a.set_file_version("brain.Event:2");
    b.set_step(7);
    contents_ =
        FrameRecord(a.SerializeAsString()) + FrameRecord(b.SerializeAsString());
  }
  std::string path_, contents_;
};

TEST_F(DamagedEventFileTest, FlippedDataByteIsDataLoss) {
  std::string bad = contents_;
  bad[bad.size() - 6] ^= 0x01;  // Inside the second record's data.
  TG_ASSERT_OK(WriteFileAtomically(path_, bad));
  EXPECT_THAT(ReadEventFile(path_).status(),
              StatusIs(absl::StatusCode::kDataLoss,
                       AllOf(HasSubstr("offset 31"), HasSubstr("CRC"))));
}

TEST_F(DamagedEventFileTest, FlippedLengthIsDataLoss) {
  std::string bad = contents_;
  bad[0] ^= 0x40;
  TG_ASSERT_OK(WriteFileAtomically(path_, bad));
  EXPECT_THAT(ReadEventFile(path_).status(),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("length")));
}

TEST_F(DamagedEventFileTest, TruncatedIsDataLoss) {
  for (size_t cut :
       {contents_.size() - 1, contents_.size() - 10, contents_.size() - 20}) {
    TG_ASSERT_OK(WriteFileAtomically(path_, contents_.substr(0, cut)));
    EXPECT_THAT(ReadEventFile(path_).status(),
                StatusIs(absl::StatusCode::kDataLoss, HasSubstr("truncated")))
        << "cut at " << cut;
  }
}

TEST_F(DamagedEventFileTest, MissingFileIsNotFound) {
  EXPECT_THAT(ReadEventFile(path_ + ".absent").status(),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr(".absent")));
}

}  // namespace
}  // namespace tg
