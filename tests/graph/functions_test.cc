// Function libraries: calls inlined at import (graph/functions.h), run by a
// session. Expected values are computed here from the inputs.
#include "graph/functions.h"

#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "runtime/session.h"
#include "tests/testing/graph_text.h"
#include "tests/testing/status_matchers.h"

namespace tg {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::tg::testing::StatusIs;

GraphDef Parse(const std::string& text) {
  return ::tg::testing::ParseGraphText(text);
}

std::string FloatConst(const std::string& name, float v) {
  return absl::StrCat(
      "node { name: '", name,
      "' op: 'Const' attr { key: 'dtype' value { type: DT_FLOAT } } "
      "attr { key: 'value' value { tensor { dtype: DT_FLOAT tensor_shape {} "
      "float_val: ",
      v, " } } } }\n");
}

// add(x, y) = x + y. scaled(a) = add(a, a) * 3 through a nested
// StatefulPartitionedCall, with a control_ret that adds 1 to the variable
// shared as "counter" on each call.
constexpr char kLibrary[] = R"pb(
  library {
    function {
      signature {
        name: "add"
        input_arg { name: "x" type: DT_FLOAT }
        input_arg { name: "y" type: DT_FLOAT }
        output_arg { name: "sum" type: DT_FLOAT }
      }
      node_def {
        name: "a"
        op: "AddV2"
        input: "x"
        input: "y"
        attr {
          key: "T"
          value { type: DT_FLOAT }
        }
      }
      ret { key: "sum" value: "a:z:0" }
    }
    function {
      signature {
        name: "scaled"
        input_arg { name: "a" type: DT_FLOAT }
        output_arg { name: "out" type: DT_FLOAT }
        control_output: "bump"
      }
      node_def {
        name: "inner"
        op: "StatefulPartitionedCall"
        input: "a"
        input: "a"
        attr {
          key: "Tin"
          value { list { type: DT_FLOAT type: DT_FLOAT } }
        }
        attr {
          key: "Tout"
          value { list { type: DT_FLOAT } }
        }
        attr {
          key: "f"
          value { func { name: "add" } }
        }
      }
      node_def {
        name: "three"
        op: "Const"
        attr {
          key: "dtype"
          value { type: DT_FLOAT }
        }
        attr {
          key: "value"
          value {
            tensor {
              dtype: DT_FLOAT
              tensor_shape {}
              float_val: 3
            }
          }
        }
      }
      node_def {
        name: "m"
        op: "Mul"
        input: "inner:output:0"
        input: "three:output:0"
        attr {
          key: "T"
          value { type: DT_FLOAT }
        }
      }
      node_def {
        name: "counter"
        op: "VariableV2"
        attr {
          key: "dtype"
          value { type: DT_FLOAT }
        }
        attr {
          key: "shape"
          value { shape {} }
        }
        attr {
          key: "shared_name"
          value { s: "counter" }
        }
      }
      node_def {
        name: "one"
        op: "Const"
        attr {
          key: "dtype"
          value { type: DT_FLOAT }
        }
        attr {
          key: "value"
          value {
            tensor {
              dtype: DT_FLOAT
              tensor_shape {}
              float_val: 1
            }
          }
        }
      }
      node_def {
        name: "bump"
        op: "AssignAdd"
        input: "counter:ref:0"
        input: "one:output:0"
        attr {
          key: "T"
          value { type: DT_FLOAT }
        }
      }
      ret { key: "out" value: "m:z:0" }
      control_ret { key: "bump" value: "bump" }
    }
  }
)pb";

// The top level: p (fed), two calls of `scaled`, one direct call of `add`
// on their results, and the counter's initializer.
std::string TopLevel() {
  return absl::StrCat(
      R"pb(
        node {
          name: "p"
          op: "Placeholder"
          attr {
            key: "dtype"
            value { type: DT_FLOAT }
          }
        }
        node {
          name: "first"
          op: "StatefulPartitionedCall"
          input: "p"
          attr {
            key: "Tin"
            value { list { type: DT_FLOAT } }
          }
          attr {
            key: "Tout"
            value { list { type: DT_FLOAT } }
          }
          attr {
            key: "f"
            value { func { name: "scaled" } }
          }
        }
        node {
          name: "second"
          op: "PartitionedCall"
          input: "first"
          attr {
            key: "Tin"
            value { list { type: DT_FLOAT } }
          }
          attr {
            key: "Tout"
            value { list { type: DT_FLOAT } }
          }
          attr {
            key: "f"
            value { func { name: "scaled" } }
          }
        }
        node { name: "both" op: "add" input: "first:0" input: "second:0" }
        node {
          name: "counter"
          op: "VariableV2"
          attr {
            key: "dtype"
            value { type: DT_FLOAT }
          }
          attr {
            key: "shape"
            value { shape {} }
          }
          attr {
            key: "shared_name"
            value { s: "counter" }
          }
        }
        node {
          name: "init"
          op: "Assign"
          input: "counter"
          input: "zero"
          attr {
            key: "T"
            value { type: DT_FLOAT }
          }
        }
      )pb",
      FloatConst("zero", 0), kLibrary);
}

TEST(FunctionsTest, NestedCallsAndTwiceCalledFunctionsRun) {
  TG_ASSERT_OK_AND_ASSIGN(auto session, Session::Create(Parse(TopLevel())));
  TG_ASSERT_OK(session->Run({}, {}, {"init"}, nullptr));
  for (float p : {1.0f, -2.5f, 4.0f}) {
    std::vector<Tensor> out;
    TG_ASSERT_OK(session->Run({{"p", Tensor::Scalar<float>(p)}},
                              {"first:0", "second:0", "both:0"}, {}, &out));
    const float first = (p + p) * 3, second = (first + first) * 3;
    EXPECT_EQ(out[0].scalar<float>(), first);
    EXPECT_EQ(out[1].scalar<float>(), second);
    EXPECT_EQ(out[2].scalar<float>(), first + second);
  }
  // Each run called `scaled` twice; its control_ret ran once per call.
  std::vector<Tensor> out;
  TG_ASSERT_OK(session->Run({}, {"counter:0"}, {}, &out));
  EXPECT_EQ(out[0].scalar<float>(), 6.0f);
}

TEST(FunctionsTest, ASideEffectRunsWhenOnlyTheCallIsATarget) {
  TG_ASSERT_OK_AND_ASSIGN(auto session, Session::Create(Parse(TopLevel())));
  TG_ASSERT_OK(session->Run({}, {}, {"init"}, nullptr));
  TG_ASSERT_OK(
      session->Run({{"p", Tensor::Scalar<float>(1)}}, {}, {"first"}, nullptr));
  std::vector<Tensor> out;
  TG_ASSERT_OK(session->Run({}, {"counter:0"}, {}, &out));
  EXPECT_EQ(out[0].scalar<float>(), 1.0f);
}

TEST(FunctionsTest, InlinedGraphHasTensorFlowsShape) {
  std::string text = TopLevel();
  text.insert(0, "node { name: 'gate' op: 'NoOp' }\n");
  text = absl::StrCat(text, R"pb(node {
                                   name: "gated"
                                   op: "add"
                                   input: "p"
                                   input: "p"
                                   input: "^gate"
                                 })pb");
  TG_ASSERT_OK_AND_ASSIGN(GraphDef flat, InlineFunctionCalls(Parse(text)));
  absl::flat_hash_map<std::string, const NodeDef*> by_name;
  for (const NodeDef& n : flat.node()) by_name[n.name()] = &n;
  ASSERT_TRUE(by_name.contains("gated/input_control_node"));
  EXPECT_THAT(by_name["gated/input_control_node"]->input(),
              ElementsAre("^gate"));
  EXPECT_THAT(by_name["gated/_arg_x"]->input(),
              ElementsAre("p", "^gated/input_control_node"));
  EXPECT_EQ(by_name["gated"]->op(), "IdentityN");
  EXPECT_THAT(by_name["gated"]->input(), ElementsAre("gated/a:0"));
  // Nested: first/inner inlined under its caller's name; a body Const
  // waits for the call's inputs gate.
  EXPECT_EQ(by_name["first/inner"]->op(), "IdentityN");
  EXPECT_THAT(by_name["first/three"]->input(),
              ElementsAre("^first/input_control_node"));
  EXPECT_THAT(by_name["first"]->input(),
              ElementsAre("first/m:0", "^first/bump"));
  for (const NodeDef& n : flat.node()) {
    EXPECT_NE(n.op(), "StatefulPartitionedCall") << n.name();
    EXPECT_NE(n.op(), "add") << n.name();
  }
}

// A polymorphic function: T bound by each direct call.
TEST(FunctionsTest, AttrPlaceholdersAreBoundByTheCall) {
  const GraphDef def = Parse(R"pb(
    node {
      name: "i"
      op: "Const"
      attr {
        key: "dtype"
        value { type: DT_INT32 }
      }
      attr {
        key: "value"
        value {
          tensor {
            dtype: DT_INT32
            tensor_shape {}
            int_val: 20
          }
        }
      }
    }
    node {
      name: "twice"
      op: "double"
      input: "i"
      attr {
        key: "T"
        value { type: DT_INT32 }
      }
    }
    library {
      function {
        signature {
          name: "double"
          input_arg { name: "x" type_attr: "T" }
          output_arg { name: "y" type_attr: "T" }
          attr { name: "T" type: "type" }
        }
        node_def {
          name: "s"
          op: "AddV2"
          input: "x"
          input: "x"
          attr {
            key: "T"
            value { placeholder: "T" }
          }
        }
        ret { key: "y" value: "s:z:0" }
      }
    }
  )pb");
  TG_ASSERT_OK_AND_ASSIGN(auto session, Session::Create(def));
  std::vector<Tensor> out;
  TG_ASSERT_OK(session->Run({}, {"twice:0"}, {}, &out));
  EXPECT_EQ(out[0].dtype(), DT_INT32);
  EXPECT_EQ(out[0].scalar<int32_t>(), 40);
}

std::string SelfCalling(const std::string& a, const std::string& b) {
  return absl::StrCat(
      FloatConst("c", 1), "node { name: 'call' op: '", a,
      "' input: 'c' }\n library {\n", "function { signature { name: '", a,
      "' input_arg { name: 'x' type: DT_FLOAT } output_arg { name: 'y' type: "
      "DT_FLOAT } } node_def { name: 'n' op: '",
      b, "' input: 'x' } ret { key: 'y' value: 'n:y:0' } }\n",
      a == b ? ""
             : absl::StrCat("function { signature { name: '", b,
                            "' input_arg { name: 'x' type: DT_FLOAT } "
                            "output_arg { name: 'y' type: DT_FLOAT } } "
                            "node_def { name: 'n' op: '",
                            a,
                            "' input: 'x' } ret { key: 'y' value: 'n:y:0' } "
                            "}\n"),
      "}\n");
}

TEST(FunctionsTest, RecursionIsAnErrorNamingTheChain) {
  EXPECT_THAT(Session::Create(Parse(SelfCalling("f", "f"))),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("node 'call'"),
                             HasSubstr("'f' calls itself (f -> f)"))));
  EXPECT_THAT(Session::Create(Parse(SelfCalling("ping", "pong"))),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("calls itself (ping -> pong -> ping)")));
}

TEST(FunctionsTest, BadLibrariesAndCallsAreErrorsNamingTheFunction) {
  const std::string body =
      "signature { name: 'f' input_arg { name: 'x' type: DT_FLOAT } "
      "output_arg { name: 'y' type: DT_FLOAT } }";
  const std::string call = "node { name: 'call' op: 'f' input: 'c' }\n";
  struct Case {
    std::string graph;
    std::string message;
    absl::StatusCode code = absl::StatusCode::kInvalidArgument;
  } cases[] = {
      {absl::StrCat(FloatConst("c", 1), call, "library { function { ", body,
                    " ret { key: 'y' value: 'gone:z:0' } } }"),
       "function 'f': ret 'y' names 'gone:z:0'"},
      {absl::StrCat(FloatConst("c", 1), call, "library { function { ", body,
                    " } }"),
       "function 'f': output 'y' has no entry in ret"},
      {absl::StrCat(FloatConst("c", 1),
                    "node { name: 'call' op: 'f' input: 'c' input: 'c' }\n",
                    "library { function { ", body,
                    " ret { key: 'y' value: 'x' } } }"),
       "the call has 2 inputs but the function takes 1"},
      {absl::StrCat(FloatConst("c", 1),
                    "node { name: 'call' op: 'PartitionedCall' input: 'c' "
                    "attr { key: 'f' value { func { name: 'nope' } } } }\n"),
       "calls function 'nope', which is not in the graph's library",
       absl::StatusCode::kNotFound},
      {absl::StrCat(FloatConst("c", 1), call, "library { function { ", body,
                    " node_def { name: 'n' op: 'Neg' input: 'x' attr { key: "
                    "'T' value { type: DT_FLOAT } } } ret { key: 'y' value: "
                    "'n:z:0' } } }"),
       "op 'Neg' has no output 'z'"},
      {absl::StrCat(FloatConst("c", 1), call, "library { function { ", body,
                    " node_def { name: 'n' op: 'Neg' input: 'x' attr { key: "
                    "'T' value { type: DT_FLOAT } } } ret { key: 'y' value: "
                    "'n:y:3' } } }"),
       "output 'y' has 1 tensors"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(Session::Create(Parse(c.graph)),
                StatusIs(c.code, HasSubstr(c.message)))
        << c.graph;
  }
}

}  // namespace
}  // namespace tg
