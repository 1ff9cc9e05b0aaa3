// Freeing at last use, the arena planner, and executors running on a plan.
#include "runtime/memory_plan.h"

#include <random>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ops/standard_ops.h"
#include "runtime/client_session.h"
#include "runtime/session.h"
#include "tests/testing/status_matchers.h"

namespace tg {
namespace {

using ::testing::ElementsAre;

size_t Aligned(size_t bytes) {
  return (bytes + kTensorAlignment - 1) / kTensorAlignment * kTensorAlignment;
}

TEST(PlanArenaTest, BuffersAliveAtOnceNeverShareBytes) {
  std::mt19937 rng(7);
  for (int round = 0; round < 50; ++round) {
    std::vector<BufferLifetime> lives;
    const int n = 1 + static_cast<int>(rng() % 40);
    for (int i = 0; i < n; ++i) {
      BufferLifetime b;
      b.slot = i;
      b.memory = static_cast<int>(rng() % 2);
      b.bytes = 1 + rng() % 5000;
      b.allocated = rng() % 100;
      b.freed = b.allocated + rng() % 30;
      lives.push_back(b);
    }
    const ArenaPlan plan = PlanArena(lives, 2);
    ASSERT_EQ(plan.blocks.size(), lives.size());
    std::vector<const ArenaPlan::Block*> by_slot(n);
    for (const ArenaPlan::Block& b : plan.blocks) by_slot[b.slot] = &b;
    size_t sum[2] = {0, 0};
    for (int i = 0; i < n; ++i) {
      const ArenaPlan::Block& a = *by_slot[i];
      EXPECT_EQ(a.offset % kTensorAlignment, 0u);
      EXPECT_EQ(a.memory, lives[i].memory);
      EXPECT_LE(a.offset + a.bytes, plan.arena_bytes[a.memory]);
      sum[a.memory] += Aligned(lives[i].bytes);
      for (int j = i + 1; j < n; ++j) {
        const ArenaPlan::Block& b = *by_slot[j];
        const bool same_time = lives[i].allocated <= lives[j].freed &&
                               lives[j].allocated <= lives[i].freed;
        const bool same_bytes =
            a.offset < b.offset + b.bytes && b.offset < a.offset + a.bytes;
        EXPECT_FALSE(a.memory == b.memory && same_time && same_bytes)
            << "round " << round << ": buffers " << i << " and " << j;
      }
    }
    EXPECT_LE(plan.arena_bytes[0], sum[0]);
    EXPECT_LE(plan.arena_bytes[1], sum[1]);
  }
}

TEST(PlanArenaTest, BuffersOneAfterAnotherShareOneBlock) {
  std::vector<BufferLifetime> lives = {
      {0, 0, 1000, 0, 4}, {1, 0, 1000, 6, 10}, {2, 0, 800, 12, 13}};
  const ArenaPlan plan = PlanArena(lives, 1);
  EXPECT_EQ(plan.arena_bytes[0], Aligned(1000));
  for (const ArenaPlan::Block& b : plan.blocks) EXPECT_EQ(b.offset, 0u);
}

// y_k = (y_{k-1} + 1) * 0.5, `steps` times, over `n` floats.
// y = the chain; max = Max(y): a fetch of one value, so every buffer of the
// chain (and the reduction's scratch) is the plan's to place.
struct Chain {
  Scope root = Scope::NewRootScope();
  Output x, y, max;
  explicit Chain(int steps) {
    x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT);
    y = x;
    for (int k = 0; k < steps; ++k) {
      y = ops::Mul(root, ops::Add(root, y, 1.0f), 0.5f);
    }
    max = ops::Max(root, y, {0});
  }
  // A session over the chain and a callable fetching `fetch` from x.
  struct Run {
    std::unique_ptr<Session> session;
    CallableHandle callable = 0;
  };
  Run Open(const Output& fetch, const SessionOptions& options = {}) const {
    Run r;
    r.session = *Session::Create(root.graph_as_shared_ptr(), options);
    absl::StatusOr<CallableHandle> h =
        r.session->MakeCallable({{x.name()}, {fetch.name()}, {}});
    EXPECT_TRUE(h.ok()) << h.status();
    r.callable = h.value_or(0);
    return r;
  }
  static float Expected(float v, int steps) {
    for (int k = 0; k < steps; ++k) v = (v + 1.0f) * 0.5f;
    return v;
  }
};

Tensor Filled(int64_t n, float v) {
  Tensor t(DT_FLOAT, TensorShape({n}));
  for (float& e : t.flat<float>()) e = v;
  return t;
}

// Allocator requests per run of the chain's Max, once runs are steady.
int64_t RequestsPerRun(bool plan_memory) {
  constexpr int kSteps = 20;
  Chain chain(kSteps);
  SessionOptions options;
  options.plan_memory = plan_memory;
  const Chain::Run opened = chain.Open(chain.max, options);
  Session* session = opened.session.get();
  const CallableHandle h = opened.callable;
  const Tensor x = Filled(1000, 3.0f);
  std::vector<Tensor> out;
  for (int run = 0; run < 3; ++run) {
    EXPECT_TRUE(session->RunCallable(h, {x}, &out).ok());
  }
  const CpuAllocatorStats before = GetCpuAllocatorStats();
  for (int run = 0; run < 5; ++run) {
    EXPECT_TRUE(session->RunCallable(h, {x}, &out).ok());
    EXPECT_EQ(out[0].scalar<float>(), Chain::Expected(3.0f, kSteps));
  }
  return (GetCpuAllocatorStats().requests - before.requests) / 5;
}

TEST(MemoryPlanTest, APlannedChainAllocatesOnlyItsFetch) {
  // The fetched value, which the caller keeps, is the one allocation.
  EXPECT_EQ(RequestsPerRun(/*plan_memory=*/true), 1);
  // Without the plan: the chain's buffer, the reduction's scratch and
  // the fetch, every run (the elementwise ops write in place).
  EXPECT_EQ(RequestsPerRun(/*plan_memory=*/false), 3);
}

TEST(MemoryPlanTest, TheArenaHoldsTheLiveSetNotTheSum) {
  // 20 steps over 1000 floats: 40 values of 4000 bytes, of which at most
  // two are alive at once (a step's input and output), plus Max's scratch.
  Chain chain(20);
  std::unique_ptr<Session> session =
      *Session::Create(chain.root.graph_as_shared_ptr());
  std::vector<Tensor> out;
  RunMetadata metadata;
  for (int run = 0; run < 3; ++run) {
    TG_ASSERT_OK(session->Run({{chain.x.name(), Filled(1000, 0.5f)}},
                              {chain.max.name()}, {}, &out, &metadata));
  }
  EXPECT_EQ(metadata.memory_plan.plans, 1);
  EXPECT_GE(metadata.memory_plan.planned_blocks, 2);
  EXPECT_GT(metadata.memory_plan.arena_bytes, 0u);
  EXPECT_LE(metadata.memory_plan.arena_bytes, 2 * 4032u + 64u);
}

TEST(MemoryPlanTest, AFailedRunDoesNotStopPlanning) {
  constexpr int kSteps = 6;
  Chain chain(kSteps);
  const Chain::Run opened = chain.Open(chain.max);
  Session* session = opened.session.get();
  const CallableHandle h = opened.callable;
  std::vector<Tensor> out;
  const Tensor x = Filled(2000, 1.0f);
  TG_ASSERT_OK(session->RunCallable(h, {x}, &out));
  // A feed of the wrong dtype fails the run after planning began.
  EXPECT_FALSE(session->RunCallable(h, {Tensor::Scalar(1)}, &out).ok());
  for (int run = 0; run < 3; ++run) {
    TG_ASSERT_OK(session->RunCallable(h, {x}, &out));
  }
  const CpuAllocatorStats before = GetCpuAllocatorStats();
  for (int run = 0; run < 4; ++run) {
    TG_ASSERT_OK(session->RunCallable(h, {x}, &out));
    EXPECT_EQ(out[0].scalar<float>(), Chain::Expected(1.0f, kSteps));
  }
  // Only the fetched value is allocated: the plan is in use again.
  EXPECT_EQ(GetCpuAllocatorStats().requests - before.requests, 4);
}

TEST(MemoryPlanTest, ALongChainFitsWhereItsSumWouldNot) {
  // 60 values of 1 MiB each, under a 6 MiB limit: only freeing each value
  // after its last use (and planning them) lets the chain run.
  constexpr int kSteps = 30;
  constexpr int64_t kN = 256 * 1024;
  for (bool plan : {false, true}) {
    Chain chain(kSteps);
    SessionOptions options;
    options.memory_limit_bytes = 6 << 20;
    options.plan_memory = plan;
    ClientSession session(chain.root, options);
    std::vector<Tensor> out;
    for (int run = 0; run < 3; ++run) {
      TG_ASSERT_OK(session.Run({{chain.x, Filled(kN, -1.0f)}}, {chain.y}, &out))
          << "plan_memory " << plan << ", run " << run;
      EXPECT_EQ(out[0].flat<float>()[0], Chain::Expected(-1.0f, kSteps));
    }
  }
}

TEST(MemoryPlanTest, OtherShapesFallBackAndStayCorrect) {
  constexpr int kSteps = 8;
  Chain chain(kSteps);
  ClientSession session(chain.root);
  std::vector<Tensor> out;
  for (int run = 0; run < 12; ++run) {
    const int64_t n = run % 3 == 0 ? 5000 : 100 + run;
    const float v = static_cast<float>(run);
    TG_ASSERT_OK(session.Run({{chain.x, Filled(n, v)}}, {chain.y}, &out));
    ASSERT_EQ(out[0].NumElements(), n);
    for (float e : out[0].flat<float>()) {
      ASSERT_EQ(e, Chain::Expected(v, kSteps)) << "run " << run;
    }
  }
}

TEST(MemoryPlanTest, ConcurrentRunsOfOneSignatureStayCorrect) {
  constexpr int kSteps = 10;
  Chain chain(kSteps);
  const Chain::Run opened = chain.Open(chain.y);
  Session* session = opened.session.get();
  const CallableHandle h = opened.callable;
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      std::vector<Tensor> out;
      for (int run = 0; run < 30; ++run) {
        const float v = static_cast<float>(t * 100 + run);
        if (!session->RunCallable(h, {Filled(300, v)}, &out).ok() ||
            out[0].flat<float>()[299] != Chain::Expected(v, kSteps)) {
          ++wrong;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(MemoryPlanTest, ValuesKeptByAVariableEscapeThePlan) {
  // The value assigned to v is computed in the graph each run; the variable
  // keeps it, so it must not live in the arena the next run overwrites.
  Scope root = Scope::NewRootScope();
  Output x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT);
  Output v =
      ops::Variable(root.WithOpName("v"), PartialShape::Of({3}), DT_FLOAT);
  Output assign =
      ops::Assign(root, v, ops::Mul(root, ops::Add(root, x, 1.0f), 2.0f));
  Output other = ops::Neg(root, ops::Square(root, x));
  ClientSession session(root);
  std::vector<Tensor> out;
  for (int run = 0; run < 4; ++run) {
    const float f = static_cast<float>(run);
    TG_ASSERT_OK(session.Run({{x, Tensor::FromVector<float>({f, f, f})}},
                             {other}, {assign.op()}, &out));
  }
  TG_ASSERT_OK(session.Run({v}, &out));
  EXPECT_THAT(out[0].flat<float>(), ElementsAre(8, 8, 8));
}

}  // namespace
}  // namespace tg
