// Graph building, GraphDef import/export and autodiff structure.
#include <cstdio>

#include "core/tensor_proto.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "graph/gradients.h"
#include "graph/graph_def_io.h"
#include "graph/op_builder.h"
#include "gtest/gtest.h"
#include "ops/standard_ops.h"
#include "runtime/client_session.h"
#include "runtime/session.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/testdata.h"

namespace tg {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::tg::testing::StatusIs;

GraphDef ParseText(const std::string& text) {
  GraphDef def;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &def));
  return def;
}

absl::Status Import(const std::string& text) {
  Graph g;
  return ImportGraphDef(ParseText(text), &g);
}

TEST(ScopeTest, NamesAreUniqueAndScoped) {
  Scope root = Scope::NewRootScope();
  Output a = ops::Const(root, 1.0f);
  Output b = ops::Const(root, 2.0f);
  Scope dense = root.NewSubScope("dense");
  Output m = ops::Mul(dense, a, b);
  Scope dense1 = root.NewSubScope("dense");
  Output m1 = ops::Mul(dense1.WithOpName("product"), a, b);
  EXPECT_EQ(a.node()->name(), "Const");
  EXPECT_EQ(b.node()->name(), "Const_1");
  EXPECT_EQ(m.node()->name(), "dense/Mul");
  EXPECT_EQ(m1.node()->name(), "dense_1/product");
}

TEST(ScopeTest, FirstErrorSticksAndNamesNode) {
  Scope root = Scope::NewRootScope();
  Output a = ops::Placeholder(root, DT_FLOAT, PartialShape::Of({100, 784}));
  Output w = ops::Placeholder(root, DT_FLOAT, PartialShape::Of({512, 10}));
  Output bad = ops::MatMul(root.NewSubScope("dense_1"), a, w);
  EXPECT_FALSE(bad.valid());
  Output later = ops::Add(root, a, a);  // Ignored after the error.
  EXPECT_FALSE(later.valid());
  EXPECT_THAT(root.status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("[MatMul] node 'dense_1/MatMul': inner "
                                 "dimensions differ: [100,784] x [512,10]")));
}

TEST(ScopeTest, MixedDtypesAreRejected) {
  Scope root = Scope::NewRootScope();
  ops::Add(root, ops::Const(root, 1.0f), ops::Const(root, 2));
  EXPECT_THAT(root.status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("[Add]"), HasSubstr("int32"),
                             HasSubstr("float"))));
}

TEST(GraphDefTest, RoundTripThroughBinaryAndTextGivesSameResults) {
  Scope root = Scope::NewRootScope();
  Output x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT,
                              PartialShape::Of({-1, 3}));
  Output w = ops::Const(root, {{1.f, 2.f}, {3.f, 4.f}, {5.f, 6.f}});
  ops::Softmax(root.WithOpName("y"),
               ops::BiasAdd(root, ops::MatMul(root, x, w), {0.5f, -0.5f}));
  GraphDef def;
  TG_ASSERT_OK(root.ToGraphDef(&def));
  const Tensor input =
      Tensor::FromVector<float>({1, 0, -1, 0.5, 0.25, 2}, TensorShape({2, 3}));
  std::vector<std::vector<float>> results;
  const std::string dir = testing::TempDir();
  for (const char* name : {"g.pb", "g.pbtxt"}) {
    const std::string path = dir + "/" + name;
    TG_ASSERT_OK(WriteGraphDefFile(def, path));
    TG_ASSERT_OK_AND_ASSIGN(GraphDef loaded, ReadGraphDefFile(path));
    EXPECT_EQ(loaded.node_size(), def.node_size());
    TG_ASSERT_OK_AND_ASSIGN(auto session, Session::Create(loaded));
    std::vector<Tensor> out;
    TG_ASSERT_OK(session->Run({{"x", input}}, {"y"}, {}, &out));
    results.emplace_back(out[0].flat<float>().begin(),
                         out[0].flat<float>().end());
  }
  // Reference: softmax(x w + b) by hand, row 0 = [1, 0, -1].
  const double z0 = 1 * 1 + 0 * 3 - 1 * 5 + 0.5,
               z1 = 1 * 2 + 0 * 4 - 1 * 6 - 0.5;
  const double p0 = std::exp(z0) / (std::exp(z0) + std::exp(z1));
  EXPECT_NEAR(results[0][0], p0, 1e-6);
  EXPECT_EQ(results[0], results[1]);
}

TEST(GraphDefTest, UnknownOpIsNamed) {
  EXPECT_THAT(Import(R"(node { name: "n" op: "Frobnicate" })"),
              StatusIs(absl::StatusCode::kNotFound,
                       AllOf(HasSubstr("node 'n'"), HasSubstr("Frobnicate"))));
}

TEST(GraphDefTest, DanglingInputIsNamed) {
  EXPECT_THAT(
      Import(R"(node { name: "y" op: "Identity" input: "ghost"
                       attr { key: "T" value { type: DT_FLOAT } } })"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr("[Identity] node 'y'"), HasSubstr("'ghost'"))));
}

TEST(GraphDefTest, WrongInputCountAndDtypeAreNamed) {
  const std::string c =
      R"(node { name: "c" op: "Const" attr { key: "dtype" value { type: DT_INT32 } }
                attr { key: "value" value { tensor { dtype: DT_INT32 tensor_shape {} int_val: 1 } } } })";
  EXPECT_THAT(Import(c + R"(node { name: "a" op: "Add" input: "c"
                                   attr { key: "T" value { type: DT_INT32 } } })"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("[Add] node 'a'"),
                             HasSubstr("expects 2 data inputs"))));
  EXPECT_THAT(Import(c + R"(node { name: "a" op: "Add" input: "c" input: "c"
                                   attr { key: "T" value { type: DT_FLOAT } } })"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("node 'a'"), HasSubstr("expects float"),
                             HasSubstr("int32"))));
}

TEST(GraphDefTest, BadAttrTypeIsNamed) {
  EXPECT_THAT(Import(R"(node { name: "p" op: "Placeholder"
                               attr { key: "dtype" value { i: 3 } } })"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("node 'p'"), HasSubstr("dtype"))));
}

TEST(GraphDefTest, DefaultsFilledAndUnderscoreAttrsKept) {
  Graph g;
  TG_ASSERT_OK(ImportGraphDef(ParseText(R"(node { name: "p" op: "Placeholder"
                          attr { key: "dtype" value { type: DT_FLOAT } }
                          attr { key: "_output_shapes" value { list { } } } })"),
                              &g));
  const Node* p = g.FindNode("p");
  ASSERT_NE(p, nullptr);
  EXPECT_TRUE(p->attrs().contains("shape"));
  EXPECT_TRUE(p->attrs().at("shape").shape().unknown_rank());
  EXPECT_TRUE(p->attrs().contains("_output_shapes"));
  GraphDef out = g.ToGraphDef();
  EXPECT_TRUE(out.node(0).attr().contains("_output_shapes"));
}

TEST(GraphDefTest, ControlInputBeforeDataInputIsRejected) {
  EXPECT_THAT(
      Import(
          R"(node { name: "p" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } }
                node { name: "i" op: "Identity" input: "^p" input: "p"
                       attr { key: "T" value { type: DT_FLOAT } } })"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("node 'i'")));
}

TEST(GraphDefTest, CycleIsRejected) {
  EXPECT_THAT(
      Import(
          R"(node { name: "a" op: "Identity" input: "b" attr { key: "T" value { type: DT_FLOAT } } }
                node { name: "b" op: "Identity" input: "a" attr { key: "T" value { type: DT_FLOAT } } })"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("cycle")));
}

TEST(GraphDefTest, TruncatedBinaryFileIsAClearError) {
  Scope root = Scope::NewRootScope();
  Tensor big(DT_FLOAT, TensorShape({64, 64}));
  for (int i = 0; i < 64 * 64; ++i) big.flat<float>()[i] = i;
  ops::Identity(root, ops::Const(root, big));
  GraphDef def;
  TG_ASSERT_OK(root.ToGraphDef(&def));
  std::string bytes;
  ASSERT_TRUE(def.SerializeToString(&bytes));
  const std::string path = testing::TempDir() + "/truncated.pb";
  FILE* f = std::fopen(path.c_str(), "wb");
  std::fwrite(bytes.data(), 1, bytes.size() / 2, f);
  std::fclose(f);
  EXPECT_THAT(ReadGraphDefFile(path),
              StatusIs(absl::StatusCode::kDataLoss,
                       AllOf(HasSubstr("truncated.pb"), HasSubstr("corrupt"))));
  EXPECT_THAT(ReadGraphDefFile(path + ".missing"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr(".missing")));
}

TEST(TensorProtoTest, AllThreeConstEncodingsDecode) {
  ::tensorgraph::TensorProto p;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"(dtype: DT_FLOAT tensor_shape { dim { size: 2 } dim { size: 2 } }
         tensor_content: "\000\000\200?\000\000\000@\000\000@@\000\000\200@")",
      &p));
  TG_ASSERT_OK_AND_ASSIGN(Tensor content, TensorFromProto(p));
  EXPECT_THAT(content.flat<float>(), ElementsAre(1, 2, 3, 4));
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"(dtype: DT_FLOAT tensor_shape { dim { size: 4 } } float_val: 5 float_val: 6)",
      &p));
  TG_ASSERT_OK_AND_ASSIGN(Tensor repeated, TensorFromProto(p));
  EXPECT_THAT(repeated.flat<float>(),
              ElementsAre(5, 6, 6, 6));  // Last repeats.
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"(dtype: DT_INT32 tensor_shape { dim { size: 3 } })", &p));
  TG_ASSERT_OK_AND_ASSIGN(Tensor empty, TensorFromProto(p));
  EXPECT_THAT(empty.flat<int32_t>(), ElementsAre(0, 0, 0));
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"(dtype: DT_FLOAT tensor_shape { dim { size: 3 } } tensor_content: "\000\000")",
      &p));
  EXPECT_THAT(TensorFromProto(p), StatusIs(absl::StatusCode::kInvalidArgument,
                                           HasSubstr("needs 12")));
}

TEST(GradientsTest, FanOutIsSummedWithAddN) {
  Scope root = Scope::NewRootScope();
  Output x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT);
  // y = x * x + x  =>  dy/dx = 2x + 1
  Output y = ops::Add(root, ops::Mul(root, x, x), x);
  std::vector<Output> g;
  TG_ASSERT_OK(AddSymbolicGradients(root, {y}, {x}, &g));
  ClientSession session(root);
  std::vector<Tensor> out;
  TG_ASSERT_OK(
      session.Run({{x, Tensor::FromVector<float>({1, -2, 3})}}, g, &out));
  EXPECT_THAT(out[0].flat<float>(), ElementsAre(3, -3, 7));
  EXPECT_EQ(g[0].node()->op(), "AddN");
}

TEST(GradientsTest, StopGradientAndUnreachableInputsGiveZeros) {
  Scope root = Scope::NewRootScope();
  Output x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT);
  Output z = ops::Placeholder(root.WithOpName("z"), DT_FLOAT);
  Output y = ops::Add(root, ops::Square(root, x),
                      ops::StopGradient(root, ops::Mul(root, x, 5.0f)));
  std::vector<Output> g;
  TG_ASSERT_OK(AddSymbolicGradients(root, {y}, {x, z}, &g));
  ClientSession session(root);
  std::vector<Tensor> out;
  TG_ASSERT_OK(session.Run({{x, Tensor::FromVector<float>({3})},
                            {z, Tensor::FromVector<float>({1})}},
                           g, &out));
  EXPECT_THAT(out[0].flat<float>(), ElementsAre(6));  // Only d(x^2)/dx.
  EXPECT_THAT(out[1].flat<float>(), ElementsAre(0));
}

TEST(GradientsTest, GradientSubgraphHasNoDeadNodes) {
  Scope root = Scope::NewRootScope();
  Output x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT,
                              PartialShape::Of({-1, 3}));
  Output w = ops::Placeholder(root.WithOpName("w"), DT_FLOAT,
                              PartialShape::Of({3, 2}));
  Output loss = ops::Mean(root, ops::Sigmoid(root, ops::MatMul(root, x, w)),
                          Tensor::FromVector<int32_t>({0, 1}));
  std::vector<Output> g;
  TG_ASSERT_OK(AddSymbolicGradients(root, {loss}, {w}, &g));
  // Every node of the gradient subgraph feeds the returned gradient.
  const Graph& graph = *root.graph();
  std::vector<bool> feeds(graph.num_nodes(), false);
  std::vector<const Node*> stack = {g[0].node()};
  while (!stack.empty()) {
    const Node* n = stack.back();
    stack.pop_back();
    if (feeds[n->id()]) continue;
    feeds[n->id()] = true;
    for (const Edge* e : n->in_edges()) stack.push_back(e->src);
  }
  int matmuls = 0;
  for (const Node* n : graph.nodes()) {
    if (n->name().rfind("gradients/", 0) != 0) continue;
    EXPECT_TRUE(feeds[n->id()]) << n->name() << " is dead";
    matmuls += n->op() == "MatMul";
  }
  EXPECT_EQ(matmuls, 1);  // x^T dy only: x's own gradient was not kept.
  // The pruned graph still runs and exports.
  ClientSession session(root);
  std::vector<Tensor> out;
  TG_ASSERT_OK(session.Run(
      {{x, Tensor::FromVector<float>({1, 2, 3}, TensorShape({1, 3}))},
       {w, Tensor::FromVector<float>({0, 0, 0, 0, 0, 0}, TensorShape({3, 2}))}},
      g, &out));
  // d mean(sigmoid(xw))/dw at w = 0: sigmoid' = 1/4, mean over 2 outputs.
  EXPECT_THAT(out[0].flat<float>(),
              ElementsAre(0.125f, 0.125f, 0.25f, 0.25f, 0.375f, 0.375f));
  GraphDef def;
  TG_ASSERT_OK(root.ToGraphDef(&def));
  Graph reloaded;
  TG_ASSERT_OK(ImportGraphDef(def, &reloaded));
}

// An op of this test only, deliberately registered without a gradient
// (every op of the library has one or an explicit mark).
TG_REGISTER_OP("TestOpWithoutGradient")
    .Input("x: float")
    .Output("y: float")
    .SetShapeFn(UnchangedShape);

TEST(GradientsTest, OpWithoutGradientIsNamed) {
  Scope root = Scope::NewRootScope();
  Output x =
      ops::Placeholder(root.WithOpName("x"), DT_FLOAT, PartialShape::Of({4}));
  Output y = UnaryOp(root.WithOpName("mystery"), "TestOpWithoutGradient",
                     ops::Square(root, x));
  Output loss = ops::Sum(root, y, 0);
  std::vector<Output> g;
  EXPECT_THAT(
      AddSymbolicGradients(root, {loss}, {x}, &g),
      StatusIs(absl::StatusCode::kNotFound,
               AllOf(HasSubstr("[TestOpWithoutGradient] node 'mystery'"),
                     HasSubstr("no gradient defined"))));
}

}  // namespace
}  // namespace tg
