// The runtime with a second device: placement, copies between memories,
// host-memory args, failed steps and host access, on the tests' TEST
// device (tests/testing/test_device.h), so every CI run checks them
// without a GPU.
#include <thread>

#include "core/device_factory.h"
#include "core/npy.h"
#include "gmock/gmock.h"
#include "graph/graph_def_io.h"
#include "gtest/gtest.h"
#include "kernels/common/host_memory.h"
#include "ops/standard_ops.h"
#include "runtime/saver.h"
#include "runtime/session.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_device.h"

namespace tg {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;
using ::tg::testing::StatusIs;
using ::tg::testing::TestDevice;

constexpr char kTest0[] = "/device:TEST:0";
constexpr char kTest1[] = "/device:TEST:1";
constexpr char kCpu[] = "/device:CPU:0";

SessionOptions OnTest0(bool soft = true) {
  SessionOptions o;
  o.placement.default_device = kTest0;
  o.placement.allow_soft_placement = soft;
  return o;
}

// A session over `root`'s graph, run once; the plan's metadata.
struct Ran {
  std::unique_ptr<Session> session;
  std::vector<Tensor> out;
  RunMetadata metadata;
  std::string DeviceOf(const std::string& node) const {
    for (const auto& [n, d] : metadata.placement) {
      if (n == node) return d;
    }
    return "<not run>";
  }
};

absl::StatusOr<Ran> RunGraph(
    const Scope& root, const SessionOptions& options,
    const std::vector<std::pair<std::string, Tensor>>& feeds,
    const std::vector<std::string>& fetches,
    const std::vector<std::string>& targets = {}) {
  TG_RETURN_IF_ERROR(root.status());
  Ran r;
  TG_ASSIGN_OR_RETURN(r.session,
                      Session::Create(root.graph_as_shared_ptr(), options));
  TG_RETURN_IF_ERROR(
      r.session->Run(feeds, fetches, targets, &r.out, &r.metadata));
  return r;
}

std::vector<std::string> CopyStrings(const RunMetadata& m) {
  std::vector<std::string> out;
  for (const CopyInfo& c : m.copies) {
    out.push_back(absl::StrCat(c.tensor, ": ", c.from, " -> ", c.to));
  }
  return out;
}

Tensor Floats(std::vector<float> v) { return Tensor::FromVector<float>(v); }

TEST(PlacementTest, UnconstrainedNodesGoToTheDefaultDeviceWhenItHasKernels) {
  Scope root = Scope::NewRootScope();
  Output x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT);
  ops::Square(root.WithOpName("y"), x);
  Output s = ops::Const(root.WithOpName("s"), Tensor::Scalar<std::string>("a"));
  ops::StringJoin(root.WithOpName("j"), {s, s});
  TG_ASSERT_OK_AND_ASSIGN(
      Ran r, RunGraph(root, OnTest0(), {{"x", Floats({1, 2})}}, {"y", "j"}));
  EXPECT_EQ(r.DeviceOf("y"), kTest0);
  // No TEST kernel takes strings: those nodes stay on the CPU by themselves.
  EXPECT_EQ(r.DeviceOf("s"), kCpu);
  EXPECT_EQ(r.DeviceOf("j"), kCpu);
  EXPECT_THAT(r.out[0].flat<float>(), ElementsAre(1, 4));
  EXPECT_EQ(r.out[1].scalar<std::string>(), "aa");

  // With no default, by priority: the CPU before the TEST device.
  TG_ASSERT_OK_AND_ASSIGN(Ran cpu,
                          RunGraph(root, {}, {{"x", Floats({1, 2})}}, {"y"}));
  EXPECT_EQ(cpu.DeviceOf("y"), kCpu);
  EXPECT_TRUE(cpu.metadata.copies.empty());
}

TEST(PlacementTest, ExplicitRequestsAreHonoured) {
  Scope root = Scope::NewRootScope();
  Output x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT);
  Output a = ops::Square(root.WithOpName("a").WithDevice(kTest1), x);
  ops::Neg(root.WithOpName("b").WithDevice("/cpu:0"), a);
  TG_ASSERT_OK_AND_ASSIGN(
      Ran r, RunGraph(root, OnTest0(), {{"x", Floats({3})}}, {"b"}));
  EXPECT_EQ(r.DeviceOf("a"), kTest1);
  EXPECT_EQ(r.DeviceOf("b"), kCpu);
  EXPECT_THAT(r.out[0].flat<float>(), ElementsAre(-9));
}

TEST(PlacementTest, VariablesAndTheirUpdatesAreColocated) {
  Scope root = Scope::NewRootScope();
  Output v = ops::Variable(root.WithOpName("v").WithDevice(kTest1),
                           PartialShape::Of({2}), DT_FLOAT);
  Output init = ops::Assign(root.WithOpName("init"), v, {1.0f, 2.0f});
  Output step =
      ops::ApplyGradientDescent(root.WithOpName("step"), v, 0.5f, {2.f, 4.f});
  ops::Square(root.WithOpName("sq"), v);
  GraphDef def;
  TG_ASSERT_OK(root.ToGraphDef(&def));
  // TensorFlow's colocation attr joins 'sq' to the variable too.
  for (NodeDef& n : *def.mutable_node()) {
    if (n.name() == "sq") {
      (*n.mutable_attr())["_class"].mutable_list()->add_s("loc:@v");
    }
  }
  TG_ASSERT_OK_AND_ASSIGN(auto session, Session::Create(def, OnTest0()));
  RunMetadata m;
  std::vector<Tensor> out;
  TG_ASSERT_OK(session->Run({}, {}, {"init"}, &out, &m));
  EXPECT_THAT(
      m.placement,
      UnorderedElementsAre(std::pair<std::string, std::string>("v", kTest1),
                           std::pair<std::string, std::string>("init", kTest1),
                           ::testing::Pair(HasSubstr("Const"), kTest0)));
  TG_ASSERT_OK(session->Run({}, {}, {"step"}, &out, &m));
  EXPECT_EQ(m.placement.back(),
            (std::pair<std::string, std::string>("step", kTest1)));
  TG_ASSERT_OK(session->Run({}, {"v", "sq"}, {}, &out, &m));
  // 1 - 0.5 * 2 = 0, 2 - 0.5 * 4 = 0; fetched through a copy to the host.
  EXPECT_THAT(out[0].flat<float>(), ElementsAre(0, 0));
  EXPECT_THAT(
      m.placement,
      ::testing::Contains(std::pair<std::string, std::string>("sq", kTest1)));
}

TEST(PlacementTest, SoftPlacementMovesARequestForAMissingDevice) {
  Scope root = Scope::NewRootScope();
  Output x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT);
  ops::Square(root.WithOpName("y").WithDevice("/device:TEST:7"), x);
  TG_ASSERT_OK_AND_ASSIGN(
      Ran r, RunGraph(root, OnTest0(), {{"x", Floats({2})}}, {"y"}));
  EXPECT_EQ(r.DeviceOf("y"), kCpu);
  EXPECT_THAT(
      RunGraph(root, OnTest0(/*soft=*/false), {{"x", Floats({2})}}, {"y"})
          .status(),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr("node 'y'"), HasSubstr("/device:TEST:7"),
                     HasSubstr(kTest0), HasSubstr(kTest1))));
}

TEST(PlacementTest, AnUnknownDeviceTypeNamesTheNodeAndWhatIsRegistered) {
  Scope root = Scope::NewRootScope();
  Output x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT);
  ops::Square(root.WithOpName("y").WithDevice("/device:XPU:0"), x);
  EXPECT_THAT(
      RunGraph(root, {}, {{"x", Floats({2})}}, {"y"}).status(),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr("[Square] node 'y'"), HasSubstr("/device:XPU:0"),
                     HasSubstr("CPU, TEST"))));
}

TEST(PlacementTest, AMissingKernelNamesTheNodeAndTheRegisteredKernels) {
  Scope root = Scope::NewRootScope();
  Output s = ops::Const(root.WithOpName("s"), Tensor::Scalar<std::string>("a"));
  ops::StringJoin(root.WithOpName("j").WithDevice(kTest0), {s, s});
  EXPECT_THAT(RunGraph(root, OnTest0(/*soft=*/false), {}, {"j"}).status(),
              StatusIs(absl::StatusCode::kNotFound,
                       AllOf(HasSubstr("[StringJoin] node 'j'"),
                             HasSubstr("no TEST kernel for StringJoin"),
                             HasSubstr("device='CPU'"))));
  TG_ASSERT_OK_AND_ASSIGN(Ran r, RunGraph(root, OnTest0(), {}, {"j"}));
  EXPECT_EQ(r.DeviceOf("j"), kCpu);
}

TEST(PlacementTest, LogDevicePlacementPrintsEachNode) {
  Scope root = Scope::NewRootScope();
  Output x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT);
  ops::Square(root.WithOpName("y"), x);
  SessionOptions o = OnTest0();
  o.placement.log_device_placement = true;
  ::testing::internal::CaptureStderr();
  absl::Status s = RunGraph(root, o, {{"x", Floats({2})}}, {"y"}).status();
  const std::string log = ::testing::internal::GetCapturedStderr();
  TG_ASSERT_OK(s);
  EXPECT_THAT(log, HasSubstr("y (Square): /device:TEST:0"));
}

TEST(HostMemoryTest, ShapeArgsStayOnTheHostAndCopiesAreExact) {
  Scope root = Scope::NewRootScope();
  Output x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT);
  Output sq = ops::Square(root.WithOpName("sq"), x);
  Output shape = ops::Shape(root.WithOpName("shape"), x);
  // Reshape reads its shape on the host: Shape's output is already there,
  // and an int32 constant is made there (integer kernels run on the host).
  ops::Reshape(root.WithOpName("same"), sq, shape);
  Output c = ops::Const(root.WithOpName("c"), {3, 1});
  ops::Reshape(root.WithOpName("col"), sq, c);
  // ArgMax's int32 output is in the device's memory, where GatherV2 reads
  // its indices: nothing is copied out.
  Output m = ops::Const(root.WithOpName("m"), {{1.f, 5.f}, {7.f, 2.f}});
  Output idx = ops::ArgMax(root.WithOpName("idx"), m, 1, DT_INT32);
  ops::GatherV2(root.WithOpName("g"), sq, idx, 0);
  // ArgMax of a constant would be folded into a constant: keep it a node.
  SessionOptions options = OnTest0();
  options.graph_passes.constant_folding = false;
  TG_ASSERT_OK_AND_ASSIGN(Ran r,
                          RunGraph(root, options, {{"x", Floats({1, 2, 3})}},
                                   {"same", "col", "shape", "g"}));
  for (const char* n : {"sq", "shape", "same", "c", "col", "m", "idx", "g"}) {
    EXPECT_EQ(r.DeviceOf(n), kTest0) << n;
  }
  EXPECT_THAT(CopyStrings(r.metadata),
              UnorderedElementsAre("feed x: host -> /device:TEST:0",
                                   "fetch same: /device:TEST:0 -> host",
                                   "fetch col: /device:TEST:0 -> host",
                                   "fetch g: /device:TEST:0 -> host"));
  EXPECT_THAT(r.out[0].flat<float>(), ElementsAre(1, 4, 9));
  EXPECT_EQ(r.out[1].shape(), TensorShape({3, 1}));
  EXPECT_THAT(r.out[2].flat<int32_t>(), ElementsAre(3));
  EXPECT_THAT(r.out[3].flat<float>(), ElementsAre(4, 1));
  for (const Tensor& t : r.out) EXPECT_TRUE(t.OnHost());
}

// The accelerators' host-memory table names only ops that exist and args
// they have (a typo would leave a shape in device memory).
TEST(HostMemoryTest, EveryTableEntryNamesAnArgOfItsOp) {
  for (const std::string& op : OpsWithHostMemoryArgs()) {
    const OpRegistration* reg = OpRegistry::Global()->Find(op);
    ASSERT_NE(reg, nullptr) << op;
    for (const std::string& arg : DeviceHostMemoryArgs(op)) {
      bool found = false;
      for (const auto* args : {&reg->def.input_arg(), &reg->def.output_arg()}) {
        for (const auto& a : *args) found |= a.name() == arg;
      }
      EXPECT_TRUE(found) << op << " has no arg '" << arg << "'";
    }
  }
}

TEST(CopyTest, OneCopyPerTensorAndDestinationOnCrossDeviceEdgesOnly) {
  Scope root = Scope::NewRootScope();
  Output x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT);
  Output a = ops::Square(root.WithOpName("a").WithDevice(kTest0), x);
  Output b = ops::Neg(root.WithOpName("b").WithDevice(kTest1), a);
  Output c = ops::Exp(root.WithOpName("c").WithDevice(kTest1), a);
  ops::Add(root.WithOpName("d").WithDevice(kCpu), b, c);
  ops::Mul(root.WithOpName("e").WithDevice(kCpu), a, b);
  ops::Sub(root.WithOpName("f").WithDevice(kTest0), a, a);
  TG_ASSERT_OK_AND_ASSIGN(
      Ran r, RunGraph(root, {}, {{"x", Floats({1, 2})}}, {"d", "e", "f", "a"}));
  EXPECT_THAT(CopyStrings(r.metadata),
              UnorderedElementsAre("feed x: host -> /device:TEST:0",
                                   "a:0: /device:TEST:0 -> /device:TEST:1",
                                   "b:0: /device:TEST:1 -> host",
                                   "c:0: /device:TEST:1 -> host",
                                   "a:0: /device:TEST:0 -> host",
                                   "fetch f: /device:TEST:0 -> host",
                                   "fetch a: /device:TEST:0 -> host"));
  // Independently: a = x^2, d = -a + e^a, e = a * -a, f = 0.
  for (int i = 0; i < 2; ++i) {
    const float xa = static_cast<float>(i + 1), aa = xa * xa;
    EXPECT_FLOAT_EQ(r.out[0].flat<float>()[i], -aa + std::exp(aa));
    EXPECT_FLOAT_EQ(r.out[1].flat<float>()[i], -aa * aa);
    EXPECT_EQ(r.out[2].flat<float>()[i], 0.0f);
    EXPECT_EQ(r.out[3].flat<float>()[i], aa);
  }
}

TestDevice* FindTestDevice(Session& s, const std::string& name) {
  for (Device* d : s.devices()) {
    if (d->name() == name) return dynamic_cast<TestDevice*>(d);
  }
  return nullptr;
}

TEST(FailedStepTest, DevicesAreSynchronizedBeforeBuffersAreReleased) {
  Scope root = Scope::NewRootScope();
  Output x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT);
  Output shape = ops::Placeholder(root.WithOpName("shape"), DT_INT32);
  Output e = ops::Exp(root.WithOpName("e"), ops::Square(root, x));
  ops::Reshape(root.WithOpName("r"), e, shape);
  TG_ASSERT_OK_AND_ASSIGN(
      auto session, Session::Create(root.graph_as_shared_ptr(), OnTest0()));
  TestDevice* dev = FindTestDevice(*session, kTest0);
  ASSERT_NE(dev, nullptr);
  std::vector<Tensor> out;
  // Square and Exp are queued on the device when Reshape fails.
  EXPECT_THAT(session->Run({{"x", Floats({1, 2, 3, 4})},
                            {"shape", Tensor::FromVector<int32_t>({3})}},
                           {"r"}, {}, &out),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("[Reshape] node 'r'")));
  EXPECT_EQ(dev->freed_under_queued_work(), 0);
  EXPECT_FALSE(dev->work_queued());
  EXPECT_EQ(dev->bytes_in_use(), 0) << "the failed step's buffers are freed";
  TG_ASSERT_OK(session->Run({{"x", Floats({1, 2, 3, 4})},
                             {"shape", Tensor::FromVector<int32_t>({2, 2})}},
                            {"r"}, {}, &out));
  EXPECT_EQ(out[0].shape(), TensorShape({2, 2}));
  EXPECT_EQ(dev->freed_under_queued_work(), 0);
}

class NoOpKernel : public OpKernel {
  absl::Status Compute(OpKernelContext&) override { return absl::OkStatus(); }
};

TEST(FailedStepTest, TheTestDeviceCountsAFreeUnderQueuedWork) {
  TestDevice dev(9);
  absl::StatusOr<Tensor> t =
      Tensor::Allocate(DT_FLOAT, TensorShape({4}), dev.allocator());
  TG_ASSERT_OK(t.status());
  NoOpKernel kernel;
  OpKernelContext ctx(&dev, nullptr, {}, {}, {});
  TG_ASSERT_OK(dev.Compute(kernel, ctx));
  *t = Tensor();  // Released while the kernel's work counts as queued.
  EXPECT_EQ(dev.freed_under_queued_work(), 1);
  TG_ASSERT_OK(dev.Sync());
  EXPECT_FALSE(dev.work_queued());
}

TEST(HostAccessTest, DeviceMemoryIsReadOnlyThroughACopy) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  TestDevice dev(9);
  Tensor host = Floats({1, 2, 3});
  TG_ASSERT_OK_AND_ASSIGN(Tensor on_dev, host.CheckedDeepCopy(dev.allocator()));
  EXPECT_FALSE(on_dev.OnHost());
  EXPECT_EQ(on_dev.MemoryName(), "/device:TEST:9");
  EXPECT_THAT(on_dev.CheckOnHost("x"),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("/device:TEST:9 memory")));
  EXPECT_THAT(
      WriteNpyFile(on_dev, ::testing::TempDir() + "/x.npy"),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("x.npy")));
  EXPECT_THAT(TensorToInt64s(on_dev).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("/device:TEST:9")));
  TG_ASSERT_OK_AND_ASSIGN(Tensor back, on_dev.ToHost());
  EXPECT_THAT(back.flat<float>(), ElementsAre(1, 2, 3));
  EXPECT_DEATH(on_dev.flat<float>(), "in /device:TEST:9 memory directly");
  EXPECT_THAT(
      Tensor::Allocate(DT_STRING, TensorShape({1}), dev.allocator()).status(),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("host memory")));
}

TEST(SaverTest, VariablesOnADeviceSaveAndRestoreThroughTheHost) {
  auto build = [](Scope& root) {
    Output v =
        ops::Variable(root.WithOpName("v"), PartialShape::Of({3}), DT_FLOAT);
    ops::Assign(root.WithOpName("init"), v, {1.5f, -2.f, 4.f});
  };
  Scope a_root = Scope::NewRootScope();
  build(a_root);
  TG_ASSERT_OK_AND_ASSIGN(Ran a, RunGraph(a_root, OnTest0(), {}, {}, {"init"}));
  EXPECT_EQ(a.DeviceOf("v"), kTest0);
  const std::string prefix = ::testing::TempDir() + "/on_device";
  Saver saver;
  TG_ASSERT_OK(saver.Save(a.session.get(), prefix).status());

  Scope b_root = Scope::NewRootScope();
  build(b_root);
  TG_ASSERT_OK_AND_ASSIGN(
      auto b, Session::Create(b_root.graph_as_shared_ptr(), OnTest0()));
  // Restored before any kernel claimed the variable: held on the host,
  // then moved to the device by the variable's kernel.
  TG_ASSERT_OK(saver.Restore(b.get(), prefix));
  std::vector<Tensor> out;
  TG_ASSERT_OK(b->Run({}, {"v"}, {}, &out));
  EXPECT_THAT(out[0].flat<float>(), ElementsAre(1.5f, -2.f, 4.f));
  EXPECT_EQ(b->variables()->Find("v")->tensor.MemoryName(), kTest0);
  TG_ASSERT_OK(saver.Restore(b.get(), prefix));
  EXPECT_EQ(b->variables()->Find("v")->tensor.MemoryName(), kTest0);
}

TEST(SessionDevicesTest, VisibleDevicesSelectTheSessionsDevices) {
  Scope root = Scope::NewRootScope();
  ops::Const(root.WithOpName("c"), 1.0f);
  auto names = [&](std::vector<std::string> visible)
      -> absl::StatusOr<std::vector<std::string>> {
    TG_RETURN_IF_ERROR(root.status());
    SessionOptions o;
    o.visible_devices = std::move(visible);
    TG_ASSIGN_OR_RETURN(auto s, Session::Create(root.graph_as_shared_ptr(), o));
    std::vector<std::string> out;
    for (const Device* d : s->devices()) out.push_back(d->name());
    return out;
  };
  TG_ASSERT_OK_AND_ASSIGN(std::vector<std::string> all, names({}));
  EXPECT_THAT(all, ElementsAre(kCpu, kTest0, kTest1));
  TG_ASSERT_OK_AND_ASSIGN(std::vector<std::string> cpu, names({"CPU"}));
  EXPECT_THAT(cpu, ElementsAre(kCpu));
  TG_ASSERT_OK_AND_ASSIGN(std::vector<std::string> one, names({kTest1}));
  EXPECT_THAT(one, ElementsAre(kCpu, kTest1));
  EXPECT_THAT(names({"XPU"}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("'XPU'"), HasSubstr("CPU, TEST"))));
}

TEST(SessionDevicesTest, AMissingDefaultDeviceFallsBackToTheCpu) {
  Scope root = Scope::NewRootScope();
  Output x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT);
  ops::Square(root.WithOpName("y"), x);
  SessionOptions o;
  o.placement.default_device = "/device:TEST:5";
  TG_ASSERT_OK_AND_ASSIGN(Ran r,
                          RunGraph(root, o, {{"x", Floats({3})}}, {"y"}));
  EXPECT_EQ(r.DeviceOf("y"), kCpu);
  EXPECT_THAT(r.out[0].flat<float>(), ElementsAre(9));
}

// Runs of one executor keep their own values: two threads running it with
// different feeds each get their own results.
TEST(ExecutorTest, ConcurrentRunsOfOneExecutorDoNotClash) {
  Scope root = Scope::NewRootScope();
  Output x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT);
  ops::Neg(root.WithOpName("y").WithDevice(kTest0), ops::Square(root, x));
  TG_ASSERT_OK(root.status());
  TG_ASSERT_OK_AND_ASSIGN(auto devices, CreateDevices({}, {}));
  std::vector<Device*> ptrs;
  for (auto& d : devices) ptrs.push_back(d.get());
  VariableStore vars;
  TG_ASSERT_OK_AND_ASSIGN(
      auto ex, Executor::Create(*root.graph(), {"x:0"}, {"y:0"}, {}, ptrs,
                                &vars, ExecutorOptions()));
  std::atomic<int> wrong{0};
  auto loop = [&](float v) {
    for (int i = 0; i < 300; ++i) {
      std::vector<Tensor> out;
      Tensor in = Floats({v, v, v, v});
      if (!ex->Run({in}, &out).ok() || out[0].flat<float>()[3] != -v * v) {
        ++wrong;
      }
    }
  };
  std::thread t1(loop, 2.0f), t2(loop, 3.0f);
  t1.join();
  t2.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace tg
