// Core types: shapes, tensors, dtypes, devices, the op registry's spec
// parsing and validation, and the thread pool.
#include <atomic>

#include "core/device.h"
#include "core/file_io.h"
#include "core/npy.h"
#include "core/op_registry.h"
#include "core/tensor.h"
#include "core/threadpool.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/testdata.h"

namespace tg {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::tg::testing::StatusIs;

TEST(TensorShapeTest, CountsAndPrints) {
  TensorShape s({100, 784});
  EXPECT_EQ(s.num_elements(), 78400);
  EXPECT_EQ(s.DebugString(), "[100,784]");
  EXPECT_EQ(TensorShape().num_elements(), 1);
  EXPECT_THAT(
      TensorShape::FromDims({2, -1}),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("negative")));
  EXPECT_THAT(
      TensorShape::FromDims({1LL << 40, 1LL << 40}),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("too many")));
}

TEST(TensorTest, BuffersAreSharedAlignedAndCopiable) {
  Tensor a(DT_FLOAT, TensorShape({3, 5}));
  EXPECT_EQ(reinterpret_cast<uintptr_t>(a.raw_data()) % kTensorAlignment, 0u);
  for (int i = 0; i < 15; ++i) a.flat<float>()[i] = i;
  Tensor shared = a;
  Tensor copy = a.DeepCopy();
  a.flat<float>()[0] = 42;
  EXPECT_EQ(shared.flat<float>()[0], 42);
  EXPECT_EQ(copy.flat<float>()[0], 0);
  TG_ASSERT_OK_AND_ASSIGN(Tensor r, a.Reshaped(TensorShape({15})));
  EXPECT_TRUE(r.SharesBufferWith(a));
  EXPECT_THAT(a.Reshaped(TensorShape({4})),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("15")));
  EXPECT_EQ(Tensor::FromVector<int32_t>({1, 2}).DebugString(),
            "int32 [2] {1, 2}");
}

TEST(TensorTest, StringTensorsOwnTheirElements) {
  Tensor s(DT_STRING, TensorShape({2}));
  s.flat<std::string>()[0] = "hello";
  Tensor c = s.DeepCopy();
  s.flat<std::string>()[0] = "changed";
  EXPECT_EQ(c.flat<std::string>()[0], "hello");
}

TEST(DataTypeTest, NamesAndRefTypes) {
  EXPECT_EQ(DataTypeName(DT_FLOAT), "float");
  EXPECT_EQ(DataTypeName(MakeRefType(DT_FLOAT)), "float_ref");
  EXPECT_EQ(MakeRefType(DT_FLOAT), 101);  // TensorFlow's numbering.
  EXPECT_EQ(BaseType(MakeRefType(DT_INT64)), DT_INT64);
  DataType t;
  EXPECT_TRUE(DataTypeFromString("int32", &t));
  EXPECT_EQ(t, DT_INT32);
  EXPECT_TRUE(DataTypeFromString("DT_DOUBLE", &t));
  EXPECT_EQ(t, DT_DOUBLE);
  EXPECT_FALSE(DataTypeFromString("float33", &t));
}

TEST(DeviceSpecTest, AcceptsTensorFlowSpellings) {
  for (const char* name : {"/device:GPU:1", "/gpu:1", "GPU:1",
                           "/job:localhost/replica:0/task:0/device:GPU:1"}) {
    TG_ASSERT_OK_AND_ASSIGN(DeviceSpec s, ParseDeviceSpec(name));
    EXPECT_EQ(s.type, "GPU") << name;
    EXPECT_EQ(s.id, 1) << name;
  }
  TG_ASSERT_OK_AND_ASSIGN(DeviceSpec any, ParseDeviceSpec(""));
  EXPECT_EQ(any.type, "");
  EXPECT_THAT(ParseDeviceSpec("/device:CPU:x"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("CPU:x")));
}

TEST(OpRegistryTest, SpecsBecomeTensorFlowOpDefs) {
  TG_ASSERT_OK_AND_ASSIGN(OpRegistration reg,
                          OpDefBuilder("TestOp")
                              .Input("values: N * T")
                              .Input("ref: Ref(T)")
                              .Output("out: float")
                              .Attr("N: int >= 2")
                              .Attr("T: {float, double}")
                              .Attr("fmt: {'NHWC', 'NCHW'} = 'NHWC'")
                              .Attr("shape: shape = unknown")
                              .Attr("dims: list(int) = [1, 2]")
                              .Finalize());
  const OpDef& def = reg.def;
  EXPECT_EQ(def.input_arg(0).number_attr(), "N");
  EXPECT_EQ(def.input_arg(0).type_attr(), "T");
  EXPECT_TRUE(def.input_arg(1).is_ref());
  EXPECT_EQ(def.output_arg(0).type(), DT_FLOAT);
  EXPECT_EQ(def.attr(0).minimum(), 2);
  EXPECT_EQ(def.attr(1).allowed_values().list().type_size(), 2);
  EXPECT_EQ(def.attr(2).default_value().s(), "NHWC");
  EXPECT_TRUE(def.attr(3).default_value().shape().unknown_rank());
  EXPECT_THAT(def.attr(4).default_value().list().i(), ElementsAre(1, 2));

  NodeDef node;
  node.set_name("n");
  node.set_op("TestOp");
  (*node.mutable_attr())["N"] = MakeAttr(3);
  (*node.mutable_attr())["T"] = MakeAttr(DT_DOUBLE);
  TG_ASSERT_OK(AddDefaultsAndValidateAttrs(def, &node));
  EXPECT_EQ(node.attr().at("fmt").s(), "NHWC");
  DataTypeVector in, out;
  TG_ASSERT_OK(ComputeArgTypes(def, node.attr(), &in, &out));
  EXPECT_THAT(
      in, ElementsAre(DT_DOUBLE, DT_DOUBLE, DT_DOUBLE, MakeRefType(DT_DOUBLE)));

  (*node.mutable_attr())["T"] = MakeAttr(DT_INT32);
  EXPECT_THAT(AddDefaultsAndValidateAttrs(def, &node),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("'T'"), HasSubstr("int32"))));
  (*node.mutable_attr())["T"] = MakeAttr(DT_FLOAT);
  (*node.mutable_attr())["N"] = MakeAttr(1);
  EXPECT_THAT(
      AddDefaultsAndValidateAttrs(def, &node),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("minimum")));
}

TEST(OpRegistryTest, MalformedSpecIsReported) {
  EXPECT_FALSE(OpDefBuilder("Bad").Input("x: NoSuchAttr").Finalize().ok());
  EXPECT_FALSE(OpDefBuilder("Bad").Attr("x: int = pi").Finalize().ok());
}

TEST(NpyTest, WritesNumPyFormatAndReadsItBack) {
  const std::string path = testing::TempDir() + "/t.npy";
  Tensor t =
      Tensor::FromVector<float>({1.5f, -2, 3, 4, 5, 6}, TensorShape({2, 3}));
  TG_ASSERT_OK(WriteNpyFile(t, path));
  TG_ASSERT_OK_AND_ASSIGN(std::string bytes, ReadFileToString(path));
  // Format 1.0: magic, version, little-endian header length, a dict whose
  // total length pads to 64 bytes, then the raw data.
  ASSERT_EQ(bytes.compare(0, 8, std::string("\x93NUMPY\x01\x00", 8)), 0);
  const size_t header = static_cast<unsigned char>(bytes[8]) |
                        static_cast<unsigned char>(bytes[9]) << 8;
  EXPECT_EQ((10 + header) % 64, 0u);
  EXPECT_NE(bytes.find("'descr': '<f4'"), std::string::npos);
  EXPECT_NE(bytes.find("'shape': (2, 3)"), std::string::npos);
  EXPECT_EQ(bytes.size(), 10 + header + 6 * sizeof(float));
  TG_ASSERT_OK_AND_ASSIGN(Tensor back, ReadNpyFile(path));
  EXPECT_EQ(back.shape(), TensorShape({2, 3}));
  EXPECT_THAT(back.flat<float>(), ElementsAre(1.5f, -2, 3, 4, 5, 6));
  // A file cut short is an error naming it.
  TG_ASSERT_OK(WriteFileAtomically(path, bytes.substr(0, bytes.size() - 4)));
  EXPECT_THAT(ReadNpyFile(path),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("t.npy")));
}

TEST(ThreadPoolTest, CoversTheRangeExactlyOnce) {
  ThreadPool pool(3);
  std::vector<std::atomic<int>> hits(100000);
  pool.ParallelFor(hits.size(), 1000, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) hits[i]++;
  });
  for (const auto& h : hits) ASSERT_EQ(h.load(), 1);
}

}  // namespace
}  // namespace tg
