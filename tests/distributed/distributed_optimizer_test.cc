// The graphs train::DistributedOptimizer and train::BroadcastVariables
// build, checked in one process: which collectives, their keys, fusion
// into buffers of at most fusion_bytes, the chain that orders them, and
// what each rank of a broadcast does. (Their results across processes are
// checked by data_parallel_test.sh under mpirun.)
#include <map>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ops/distributed.h"
#include "ops/standard_ops.h"
#include "ops/variables.h"
#include "runtime/client_session.h"
#include "tests/testing/status_matchers.h"

namespace tg {
namespace {

using ::testing::HasSubstr;
using ::tg::testing::StatusIs;

// A loss over three variables of 6, 4 and 3 floats.
struct Model {
  std::vector<Output> vars;
  Output loss;
};

Model Build(const Scope& root) {
  Model m;
  m.vars = {ops::CreateVariable(root.WithOpName("a"), {2, 3}, DT_FLOAT,
                                init::Constant(1.0)),
            ops::CreateVariable(root.WithOpName("b"), {4}, DT_FLOAT,
                                init::Constant(2.0)),
            ops::CreateVariable(root.WithOpName("c"), {3}, DT_FLOAT,
                                init::Constant(3.0))};
  Output total = ops::Sum(root, ops::Square(root, m.vars[0]), {0, 1});
  total = ops::Add(root, total, ops::Sum(root, m.vars[1], {0}));
  m.loss = ops::Add(root, total, ops::Sum(root, m.vars[2], {0}));
  return m;
}

std::vector<Node*> NodesOf(const Graph& g, const std::string& op) {
  std::vector<Node*> out;
  for (Node* n : g.nodes()) {
    if (n->op() == op) out.push_back(n);
  }
  return out;
}

int64_t InputInt(const Node* n, int index) {
  const Node* src = n->input_edge(index)->src;
  return src->def().attr().at("value").tensor().int_val(0);
}

bool HasControlInput(const Node* n, const Node* from) {
  for (const Edge* e : n->in_edges()) {
    if (e->IsControl() && e->src == from) return true;
  }
  return false;
}

TEST(DistributedOptimizerTest, FusesTheGradientsIntoOneAllReduce) {
  Scope root = Scope::NewRootScope();
  Model m = Build(root);
  train::DistributedOptimizer opt(
      std::make_unique<train::GradientDescentOptimizer>(0.1), {0, 2});
  TG_ASSERT_OK(opt.Minimize(root, m.loss, m.vars).status());
  const auto reduces = NodesOf(*root.graph(), "CollectiveReduceV2");
  ASSERT_EQ(reduces.size(), 1u);
  EXPECT_EQ(InputInt(reduces[0], 1), 2);        // group_size
  EXPECT_EQ(InputInt(reduces[0], 3), 1 << 20);  // instance_key
  EXPECT_EQ(reduces[0]->def().attr().at("final_op").s(), "Div");
  EXPECT_EQ(opt.bytes_per_step(), (6 + 4 + 3) * 4);
  EXPECT_EQ(opt.calls_per_step(), 1);
  // The wrapped optimizer's updates, under its own name.
  EXPECT_EQ(NodesOf(*root.graph(), "ApplyGradientDescent").size(), 3u);
  EXPECT_NE(root.graph()->FindNode("GradientDescent"), nullptr);
}

TEST(DistributedOptimizerTest, SplitsBuffersAtFusionBytesAndChainsThem) {
  Scope root = Scope::NewRootScope();
  Model m = Build(root);
  train::DistributedOptions d{1, 4};
  d.fusion_bytes = 40;  // a+b = 40 bytes fit; c does not.
  train::DistributedOptimizer opt(
      std::make_unique<train::MomentumOptimizer>(0.1, 0.9), d);
  TG_ASSERT_OK(opt.Minimize(root, m.loss, m.vars).status());
  auto reduces = NodesOf(*root.graph(), "CollectiveReduceV2");
  ASSERT_EQ(reduces.size(), 2u);
  std::map<int64_t, Node*> by_key;
  for (Node* n : reduces) by_key[InputInt(n, 3)] = n;
  ASSERT_EQ(by_key.count(1 << 20), 1u);
  ASSERT_EQ(by_key.count((1 << 20) + 1), 1u);
  EXPECT_TRUE(HasControlInput(by_key[(1 << 20) + 1], by_key[1 << 20]));
  EXPECT_EQ(opt.calls_per_step(), 2);
  EXPECT_EQ(opt.bytes_per_step(), 52);
}

TEST(DistributedOptimizerTest, OneRankAddsNoCollectiveAndTrainsAsBefore) {
  Scope root = Scope::NewRootScope();
  Model m = Build(root);
  train::DistributedOptimizer opt(
      std::make_unique<train::GradientDescentOptimizer>(0.5), {});
  TG_ASSERT_OK_AND_ASSIGN(Operation step, opt.Minimize(root, m.loss, m.vars));
  EXPECT_TRUE(NodesOf(*root.graph(), "CollectiveReduceV2").empty());
  Operation init = ops::GlobalVariablesInitializer(root);
  ClientSession session(root);
  TG_ASSERT_OK(session.Run({}, {}, {init}, nullptr));
  TG_ASSERT_OK(session.Run({}, {}, {step}, nullptr));
  std::vector<Tensor> out;
  TG_ASSERT_OK(session.Run(m.vars, &out));
  // d(a^2)/da = 2a = 2 -> 1 - 0.5 * 2 = 0; b and c have gradient 1.
  EXPECT_EQ(out[0].flat<float>()[0], 0.0f);
  EXPECT_EQ(out[1].flat<float>()[0], 1.5f);
  EXPECT_EQ(out[2].flat<float>()[0], 2.5f);
}

TEST(DistributedOptimizerTest, AGraphForTwoRanksFailsClearlyAlone) {
  Scope root = Scope::NewRootScope();
  Model m = Build(root);
  train::DistributedOptimizer opt(
      std::make_unique<train::GradientDescentOptimizer>(0.5), {0, 2});
  TG_ASSERT_OK_AND_ASSIGN(Operation step, opt.Minimize(root, m.loss, m.vars));
  Operation init = ops::GlobalVariablesInitializer(root);
  ClientSession session(root);
  TG_ASSERT_OK(session.Run({}, {}, {init}, nullptr));
  EXPECT_THAT(session.Run({}, {}, {step}, nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("group_size is 2 but 1 process(es) run")));
}

TEST(DistributedOptimizerTest, BadRanksAreRefused) {
  for (train::DistributedOptions d :
       {train::DistributedOptions{2, 2}, train::DistributedOptions{-1, 2},
        train::DistributedOptions{0, 0}}) {
    Scope root = Scope::NewRootScope();
    Model m = Build(root);
    train::DistributedOptimizer opt(
        std::make_unique<train::GradientDescentOptimizer>(0.5), d);
    EXPECT_THAT(opt.Minimize(root, m.loss, m.vars).status(),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("is not in [0, ")));
    EXPECT_THAT(train::BroadcastVariables(root, {}, d).status(),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("is not in [0, ")));
  }
}

TEST(BroadcastVariablesTest, RootSendsOthersReceiveAndAssign) {
  for (int rank : {0, 1}) {
    Scope root = Scope::NewRootScope();
    Model m = Build(root);
    TG_ASSERT_OK(train::BroadcastVariables(root, {}, {rank, 3}).status());
    const Graph& g = *root.graph();
    const size_t sends = NodesOf(g, "CollectiveBcastSendV2").size();
    const size_t receives = NodesOf(g, "CollectiveBcastRecvV2").size();
    EXPECT_EQ(sends, rank == 0 ? 3u : 0u);
    EXPECT_EQ(receives, rank == 0 ? 0u : 3u);
    // Initializer assignments (3), plus the received values' (3).
    EXPECT_EQ(NodesOf(g, "Assign").size(), rank == 0 ? 3u : 6u);
  }
}

TEST(BroadcastVariablesTest, ResourceVariablesAreAssignedThroughTheirHandle) {
  Scope root = Scope::NewRootScope().WithResourceVariables(true);
  Model m = Build(root);
  TG_ASSERT_OK(train::BroadcastVariables(root, {}, {1, 2}).status());
  EXPECT_EQ(NodesOf(*root.graph(), "CollectiveBcastRecvV2").size(), 3u);
  // Initializers (3) and the broadcast's (3).
  EXPECT_EQ(NodesOf(*root.graph(), "AssignVariableOp").size(), 6u);
}

}  // namespace
}  // namespace tg
