// Allowed-type lists shared by op schemas (string literals so they can be
// spliced into attr specs: .Attr("T: " TG_FLOAT_TYPES)).
#ifndef TG_OPS_OP_TYPES_H_
#define TG_OPS_OP_TYPES_H_

#define TG_FLOAT_TYPES "{half, bfloat16, float, double}"
#define TG_REAL_NUMBER_TYPES                                           \
  "{half, bfloat16, float, double, int8, int16, int32, int64, uint8, " \
  "uint16, uint32, uint64}"
#define TG_NUMBER_TYPES                                                \
  "{half, bfloat16, float, double, int8, int16, int32, int64, uint8, " \
  "uint16, uint32, uint64, complex64, complex128}"
#define TG_INDEX_TYPES "{int32, int64}"

#endif  // TG_OPS_OP_TYPES_H_
