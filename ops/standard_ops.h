// Every op builder, for code that builds graphs.
#ifndef TG_OPS_STANDARD_OPS_H_
#define TG_OPS_STANDARD_OPS_H_

#include "ops/array_ops.h"
#include "ops/collective_ops.h"
#include "ops/control_flow_ops.h"
#include "ops/conv_ops.h"
#include "ops/debug_ops.h"
#include "ops/gather_ops.h"
#include "ops/io_ops.h"
#include "ops/manip_ops.h"
#include "ops/math_ops.h"
#include "ops/nn_ops.h"
#include "ops/random_ops.h"
#include "ops/resource_variable_ops.h"
#include "ops/slicing_ops.h"
#include "ops/state_ops.h"
#include "ops/training_ops.h"

#endif  // TG_OPS_STANDARD_OPS_H_
