// TensorFlow 2's functional control flow (If, Case, While and their
// Stateless forms) lowered at import (graph/lower_control_flow.h) and run
// by a session. Each graph is written here as TensorFlow writes it: the
// branches, conditions and bodies are library functions. Expected values
// are computed here from the numbers fed.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "graph/lower_control_flow.h"
#include "gtest/gtest.h"
#include "runtime/session.h"
#include "tests/testing/status_matchers.h"

namespace tg {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::tg::testing::StatusIs;

GraphDef Parse(const std::string& text) {
  GraphDef def;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &def))
      << text;
  return def;
}

constexpr char kType[] = "attr { key: 'T' value { type: DT_FLOAT } }";

// A library function of one float (`x`) to one float, by the op applied
// to x and a constant `c` made inside the body (a node without inputs).
std::string Unary(const std::string& name, const std::string& op, float c) {
  return absl::StrCat(
      "function { signature { name: '", name,
      "' input_arg { name: 'x' type: DT_FLOAT } output_arg { name: 'y' "
      "type: DT_FLOAT } } node_def { name: 'c' op: 'Const' attr { key: "
      "'dtype' value { type: DT_FLOAT } } attr { key: 'value' value { tensor "
      "{ dtype: DT_FLOAT tensor_shape {} float_val: ",
      c, " } } } } node_def { name: 'r' op: '", op,
      "' input: 'x' input: 'c:output:0' ", kType,
      " } ret { key: 'y' value: 'r:z:0' } }");
}

absl::StatusOr<std::vector<Tensor>> RunGraph(
    const GraphDef& def, std::vector<std::pair<std::string, Tensor>> feeds,
    std::vector<std::string> fetches) {
  TG_ASSIGN_OR_RETURN(std::unique_ptr<Session> s, Session::Create(def));
  std::vector<Tensor> out;
  TG_RETURN_IF_ERROR(s->Run(feeds, fetches, {}, &out));
  return out;
}

std::string Placeholder(const std::string& name, const std::string& type) {
  return absl::StrCat(
      "node { name: '", name,
      "' op: 'Placeholder' attr { key: 'dtype' value { type: ", type, " } } }");
}

// y = if p then x * 2 else x + 1; the predicate is a float: TensorFlow's
// truth rule (non-zero).
TEST(FunctionalControlFlowTest, IfRunsTheBranchThePredicateChooses) {
  const GraphDef def = Parse(absl::StrCat(
      Placeholder("p", "DT_FLOAT"), Placeholder("x", "DT_FLOAT"),
      "node { name: 'if' op: 'StatelessIf' input: 'p' input: 'x' "
      "attr { key: 'Tcond' value { type: DT_FLOAT } } "
      "attr { key: 'Tin' value { list { type: DT_FLOAT } } } "
      "attr { key: 'Tout' value { list { type: DT_FLOAT } } } "
      "attr { key: 'then_branch' value { func { name: 'twice' } } } "
      "attr { key: 'else_branch' value { func { name: 'plus_one' } } } }",
      "node { name: 'y' op: 'Identity' input: 'if' ", kType, " }", "library {",
      Unary("twice", "Mul", 2), Unary("plus_one", "AddV2", 1), "}"));
  for (float p : {0.0f, -0.5f, 3.0f}) {
    TG_ASSERT_OK_AND_ASSIGN(
        std::vector<Tensor> out,
        RunGraph(def, {{"p", Tensor::Scalar(p)}, {"x", Tensor::Scalar(5.0f)}},
                 {"y:0"}));
    EXPECT_EQ(out[0].scalar<float>(), p != 0 ? 10.0f : 6.0f) << "p " << p;
  }
}

// Case over three branches: 0 -> x * 2, 1 -> x + 1, any other index (also
// negative or past the end) -> the last, x - 3.
TEST(FunctionalControlFlowTest, CaseRunsTheIndexedBranchOrTheLast) {
  const GraphDef def = Parse(absl::StrCat(
      Placeholder("i", "DT_INT32"), Placeholder("x", "DT_FLOAT"),
      "node { name: 'case' op: 'Case' input: 'i' input: 'x' "
      "attr { key: 'Tin' value { list { type: DT_FLOAT } } } "
      "attr { key: 'Tout' value { list { type: DT_FLOAT } } } "
      "attr { key: 'branches' value { list { func { name: 'twice' } "
      "func { name: 'plus_one' } func { name: 'minus_three' } } } } }",
      "library {", Unary("twice", "Mul", 2), Unary("plus_one", "AddV2", 1),
      Unary("minus_three", "Sub", 3), "}"));
  for (int i : {-1, 0, 1, 2, 7}) {
    TG_ASSERT_OK_AND_ASSIGN(std::vector<Tensor> out,
                            RunGraph(def,
                                     {{"i", Tensor::Scalar<int32_t>(i)},
                                      {"x", Tensor::Scalar(5.0f)}},
                                     {"case:0"}));
    const float want = i == 0 ? 10.0f : i == 1 ? 6.0f : 2.0f;
    EXPECT_EQ(out[0].scalar<float>(), want) << "index " << i;
  }
}

// while i < n: (i, acc) = (i + 1, acc * 2 + 1): a counter and a float
// accumulator; the body's constant 1 is a node without inputs.
constexpr char kLoopLibrary[] = R"pb(
  function {
    signature {
      name: 'less'
      input_arg { name: 'i' type: DT_INT32 }
      input_arg { name: 'acc' type: DT_FLOAT }
      input_arg { name: 'n' type: DT_INT32 }
      output_arg { name: 'ok' type: DT_BOOL }
    }
    node_def {
      name: 'l'
      op: 'Less'
      input: 'i'
      input: 'n'
      attr {
        key: 'T'
        value { type: DT_INT32 }
      }
    }
    ret { key: 'ok' value: 'l:z:0' }
  }
  function {
    signature {
      name: 'step'
      input_arg { name: 'i' type: DT_INT32 }
      input_arg { name: 'acc' type: DT_FLOAT }
      input_arg { name: 'n' type: DT_INT32 }
      output_arg { name: 'i2' type: DT_INT32 }
      output_arg { name: 'acc2' type: DT_FLOAT }
      output_arg { name: 'n2' type: DT_INT32 }
    }
    node_def {
      name: 'one'
      op: 'Const'
      attr {
        key: 'dtype'
        value { type: DT_INT32 }
      }
      attr {
        key: 'value'
        value {
          tensor {
            dtype: DT_INT32
            tensor_shape {}
            int_val: 1
          }
        }
      }
    }
    node_def {
      name: 'inc'
      op: 'AddV2'
      input: 'i'
      input: 'one:output:0'
      attr {
        key: 'T'
        value { type: DT_INT32 }
      }
    }
    node_def {
      name: 'f'
      op: 'Const'
      attr {
        key: 'dtype'
        value { type: DT_FLOAT }
      }
      attr {
        key: 'value'
        value {
          tensor {
            dtype: DT_FLOAT
            tensor_shape {}
            float_val: 2
          }
        }
      }
    }
    node_def {
      name: 'dbl'
      op: 'Mul'
      input: 'acc'
      input: 'f:output:0'
      attr {
        key: 'T'
        value { type: DT_FLOAT }
      }
    }
    node_def {
      name: 'g'
      op: 'Const'
      attr {
        key: 'dtype'
        value { type: DT_FLOAT }
      }
      attr {
        key: 'value'
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
      name: 'next'
      op: 'AddV2'
      input: 'dbl:z:0'
      input: 'g:output:0'
      attr {
        key: 'T'
        value { type: DT_FLOAT }
      }
    }
    ret { key: 'i2' value: 'inc:z:0' }
    ret { key: 'acc2' value: 'next:z:0' }
    ret { key: 'n2' value: 'n' }
  }
)pb";

std::string WhileNode(const std::string& name, const std::string& body) {
  return absl::StrCat(
      "node { name: '", name,
      "' op: 'While' input: 'i0' input: 'x' input: 'n' "
      "attr { key: 'T' value { list { type: DT_INT32 type: DT_FLOAT "
      "type: DT_INT32 } } } "
      "attr { key: 'cond' value { func { name: 'less' } } } "
      "attr { key: 'body' value { func { name: '",
      body, "' } } } }");
}

constexpr char kZero[] =
    "node { name: 'i0' op: 'Const' attr { key: 'dtype' value { type: "
    "DT_INT32 } } attr { key: 'value' value { tensor { dtype: DT_INT32 "
    "tensor_shape {} int_val: 0 } } } }";

TEST(FunctionalControlFlowTest, WhileCarriesItsVariables) {
  const GraphDef def = Parse(absl::StrCat(
      kZero, Placeholder("x", "DT_FLOAT"), Placeholder("n", "DT_INT32"),
      WhileNode("loop", "step"), "library {", kLoopLibrary, "}"));
  for (int n : {0, 1, 5}) {
    TG_ASSERT_OK_AND_ASSIGN(std::vector<Tensor> out,
                            RunGraph(def,
                                     {{"x", Tensor::Scalar(0.5f)},
                                      {"n", Tensor::Scalar<int32_t>(n)}},
                                     {"loop:0", "loop:1"}));
    float acc = 0.5f;
    for (int k = 0; k < n; ++k) acc = acc * 2 + 1;
    EXPECT_EQ(out[0].scalar<int32_t>(), n);
    EXPECT_EQ(out[1].scalar<float>(), acc) << n << " iterations";
  }
}

// A While inside an If's branch (lowered after the branch is inlined), on
// the branch not taken too: its results are then dead, and the If's Merge
// takes the other side.
TEST(FunctionalControlFlowTest, WhileInsideABranch) {
  const std::string outer = R"pb(
    function {
      signature {
        name: 'looped'
        input_arg { name: 'x' type: DT_FLOAT }
        input_arg { name: 'n' type: DT_INT32 }
        output_arg { name: 'y' type: DT_FLOAT }
      }
      node_def {
        name: 'i0'
        op: 'Const'
        attr {
          key: 'dtype'
          value { type: DT_INT32 }
        }
        attr {
          key: 'value'
          value {
            tensor {
              dtype: DT_INT32
              tensor_shape {}
              int_val: 0
            }
          }
        }
      }
      node_def {
        name: 'w'
        op: 'StatelessWhile'
        input: 'i0:output:0'
        input: 'x'
        input: 'n'
        attr {
          key: 'T'
          value { list { type: DT_INT32 type: DT_FLOAT type: DT_INT32 } }
        }
        attr {
          key: 'cond'
          value { func { name: 'less' } }
        }
        attr {
          key: 'body'
          value { func { name: 'step' } }
        }
      }
      ret { key: 'y' value: 'w:output:1' }
    }
    function {
      signature {
        name: 'same'
        input_arg { name: 'x' type: DT_FLOAT }
        input_arg { name: 'n' type: DT_INT32 }
        output_arg { name: 'y' type: DT_FLOAT }
      }
      ret { key: 'y' value: 'x' }
    }
  )pb";
  const GraphDef def = Parse(absl::StrCat(
      Placeholder("p", "DT_BOOL"), Placeholder("x", "DT_FLOAT"),
      Placeholder("n", "DT_INT32"),
      "node { name: 'if' op: 'If' input: 'p' input: 'x' input: 'n' "
      "attr { key: 'Tcond' value { type: DT_BOOL } } "
      "attr { key: 'Tin' value { list { type: DT_FLOAT type: DT_INT32 } } } "
      "attr { key: 'Tout' value { list { type: DT_FLOAT } } } "
      "attr { key: 'then_branch' value { func { name: 'looped' } } } "
      "attr { key: 'else_branch' value { func { name: 'same' } } } }",
      "library {", kLoopLibrary, outer, "}"));
  for (bool p : {true, false}) {
    TG_ASSERT_OK_AND_ASSIGN(std::vector<Tensor> out,
                            RunGraph(def,
                                     {{"p", Tensor::Scalar(p)},
                                      {"x", Tensor::Scalar(1.0f)},
                                      {"n", Tensor::Scalar<int32_t>(3)}},
                                     {"if:0"}));
    EXPECT_EQ(out[0].scalar<float>(), p ? 15.0f : 1.0f) << "p " << p;
  }
}

TEST(FunctionalControlFlowTest, BodyOutputsMustMatchTheLoopVariables) {
  // 'less' as the body: one bool out, for three loop variables.
  const GraphDef def = Parse(absl::StrCat(
      kZero, Placeholder("x", "DT_FLOAT"), Placeholder("n", "DT_INT32"),
      WhileNode("loop", "less"), "library {", kLoopLibrary, "}"));
  EXPECT_THAT(Session::Create(def).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("node 'loop'"), HasSubstr("body 'less'"),
                             HasSubstr("returns (bool)"),
                             HasSubstr("(int32, float, int32)"))));
  const GraphDef missing = Parse(absl::StrCat(
      kZero, Placeholder("x", "DT_FLOAT"), Placeholder("n", "DT_INT32"),
      WhileNode("loop", "nowhere"), "library {", kLoopLibrary, "}"));
  EXPECT_THAT(
      Session::Create(missing).status(),
      StatusIs(absl::StatusCode::kNotFound,
               AllOf(HasSubstr("node 'loop'"), HasSubstr("'nowhere'"))));
}

// A bool condition that is not a scalar fails in the first iteration,
// naming the loop, instead of running on.
TEST(FunctionalControlFlowTest, NonScalarConditionIsAClearError) {
  // cond: i < [n, n], a bool vector.
  constexpr char kVectorCond[] = R"pb(
    function {
      signature {
        name: 'less_vec'
        input_arg { name: 'i' type: DT_INT32 }
        input_arg { name: 'acc' type: DT_FLOAT }
        input_arg { name: 'n' type: DT_INT32 }
        output_arg { name: 'ok' type: DT_BOOL }
      }
      node_def {
        name: 'nv'
        op: 'Pack'
        input: 'n'
        input: 'n'
        attr {
          key: 'T'
          value { type: DT_INT32 }
        }
        attr {
          key: 'N'
          value { i: 2 }
        }
      }
      node_def {
        name: 'l'
        op: 'Less'
        input: 'i'
        input: 'nv:output:0'
        attr {
          key: 'T'
          value { type: DT_INT32 }
        }
      }
      ret { key: 'ok' value: 'l:z:0' }
    }
  )pb";
  std::string node = WhileNode("loop", "step");
  node = absl::StrReplaceAll(node, {{"name: 'less'", "name: 'less_vec'"}});
  const GraphDef def = Parse(absl::StrCat(
      kZero, Placeholder("x", "DT_FLOAT"), Placeholder("n", "DT_INT32"), node,
      "library {", kLoopLibrary, kVectorCond, "}"));
  EXPECT_THAT(
      RunGraph(def,
               {{"x", Tensor::Scalar(0.5f)}, {"n", Tensor::Scalar<int32_t>(3)}},
               {"loop:1"})
          .status(),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr("loop/loop_cond"), HasSubstr("iteration 0"),
                     HasSubstr("scalar bool"))));
}

// A loop whose body is the function the loop is in would lower forever.
TEST(FunctionalControlFlowTest, RecursionThroughALoopIsNamed) {
  constexpr char kRecursive[] = R"pb(
    function {
      signature {
        name: 'again'
        input_arg { name: 'i' type: DT_INT32 }
        input_arg { name: 'acc' type: DT_FLOAT }
        input_arg { name: 'n' type: DT_INT32 }
        output_arg { name: 'i2' type: DT_INT32 }
        output_arg { name: 'acc2' type: DT_FLOAT }
        output_arg { name: 'n2' type: DT_INT32 }
      }
      node_def {
        name: 'w'
        op: 'While'
        input: 'i'
        input: 'acc'
        input: 'n'
        attr {
          key: 'T'
          value { list { type: DT_INT32 type: DT_FLOAT type: DT_INT32 } }
        }
        attr {
          key: 'cond'
          value { func { name: 'less' } }
        }
        attr {
          key: 'body'
          value { func { name: 'again' } }
        }
      }
      ret { key: 'i2' value: 'w:output:0' }
      ret { key: 'acc2' value: 'w:output:1' }
      ret { key: 'n2' value: 'w:output:2' }
    }
  )pb";
  const GraphDef def = Parse(absl::StrCat(
      kZero, Placeholder("x", "DT_FLOAT"), Placeholder("n", "DT_INT32"),
      WhileNode("loop", "again"), "library {", kLoopLibrary, kRecursive, "}"));
  EXPECT_THAT(Session::Create(def).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("'again' calls itself (again -> again)")));
}

}  // namespace
}  // namespace tg
