package io.igstream.tf;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.OperationBuilder;
import org.tensorflow.Output;
import org.tensorflow.op.Scope;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;

/**
 * Rebuilds the bodies of (nested) function call ops as ordinary nodes of the same graph, so that
 * {@code Graph.addGradients} can differentiate through them.
 *
 * <p>Keras exports wrap the model in {@code StatefulPartitionedCall}s with resource-variable
 * captures; the symbolic gradient of such a call fails at run time, but the rebuilt body reads the
 * same restored variables and is differentiable op by op.
 */
final class FunctionInliner {

  private static final String CALL = "PartitionedCall";
  private static final String STATEFUL_CALL = "StatefulPartitionedCall";

  private final Graph graph;
  private final OpRegistry registry;
  private final Map<String, FunctionDef> library = new HashMap<>();
  private final Map<String, Output<?>> namedTensors = new LinkedHashMap<>();
  // The rebuilt data inputs of each named node, for attribution to a layer's inputs.
  private final Map<String, List<Output<?>>> namedInputs = new LinkedHashMap<>();
  private final Map<String, List<Output<?>>> inlinedGraphCalls = new HashMap<>();
  private final boolean rewriteConv2d;
  private int inlinedCalls;

  FunctionInliner(Graph graph, OpRegistry registry, Iterable<FunctionDef> functions) {
    this(graph, registry, functions, true);
  }

  /**
   * @param rewriteConv2d whether to rewrite Conv2D nodes whose TF gradient is wrong (see {@link
   *     Conv2dRewrite}); false only to demonstrate that defect in tests
   */
  FunctionInliner(
      Graph graph, OpRegistry registry, Iterable<FunctionDef> functions, boolean rewriteConv2d) {
    this.graph = graph;
    this.registry = registry;
    this.rewriteConv2d = rewriteConv2d;
    for (FunctionDef function : functions) {
      library.put(function.getSignature().getName(), function);
    }
  }

  /** True when this op calls a library function the inliner can rebuild. */
  boolean isCall(GraphOperation op) {
    return (op.type().equals(CALL)
        || op.type().equals(STATEFUL_CALL)
        || library.containsKey(op.type()));
  }

  /**
   * Rebuilds what a graph tensor computes: a call op's output is replaced by the rebuilt body's
   * output; any other tensor is returned as it is.
   */
  Output<?> inline(Output<?> tensor) {
    GraphOperation op = (GraphOperation) tensor.op();
    if (!isCall(op)) {
      return tensor;
    }
    List<Output<?>> results = inlinedGraphCalls.get(op.name());
    if (results == null) {
      List<Output<?>> args = new ArrayList<>();
      for (int i = 0; i < op.numInputs(); i++) {
        args.add(inline(op.input(i)));
      }
      results = inlineFunction(functionOf(op), args, op.name());
      inlinedGraphCalls.put(op.name(), results);
    }
    return results.get(tensor.index());
  }

  /**
   * Tensors inside the rebuilt bodies by their node name in the function library (for example an
   * embedding lookup), so that layer attribution can feed and differentiate them.
   */
  Map<String, Output<?>> namedTensors() {
    return namedTensors;
  }

  /** The rebuilt data inputs of each node on the path to the output, keyed by node name. */
  Map<String, List<Output<?>>> namedInputs() {
    return namedInputs;
  }

  private String functionOf(GraphOperation op) {
    if (library.containsKey(op.type())) {
      return op.type();
    }
    return op.attributes().getAttrValueProto("f").getFunc().getName();
  }

  private List<Output<?>> inlineFunction(String name, List<Output<?>> args, String caller) {
    FunctionDef function = library.get(name);
    if (function == null) {
      throw new ModelLoadException("the function library has no function " + name);
    }
    if (function.getSignature().getInputArgCount() != args.size()) {
      throw new ModelLoadException(
          "call "
              + caller
              + " passes "
              + args.size()
              + " arguments to "
              + name
              + ", which takes "
              + function.getSignature().getInputArgCount());
    }
    Body body = new Body(function, args, "igstream_inlined_" + inlinedCalls++);
    List<Output<?>> results = new ArrayList<>();
    for (OpDef.ArgDef out : function.getSignature().getOutputArgList()) {
      String ref = function.getRetMap().get(out.getName());
      Output<?> result = body.resolve(ref);
      if (body.isArgument(ref)) {
        // A pass-through return would make the fed input also the fetched output.
        result = body.identity(result, out.getName());
      }
      results.add(result);
    }
    return results;
  }

  /** One inlined call: its function, its argument tensors, and the nodes rebuilt so far. */
  private final class Body {
    private final FunctionDef function;
    private final Map<String, Output<?>> args = new HashMap<>();
    private final Map<String, NodeDef> nodes = new HashMap<>();
    private final Map<String, List<Output<?>>> built = new HashMap<>();
    private final Map<String, GraphOperation> ops = new HashMap<>();
    private final Scope scope;

    Body(FunctionDef function, List<Output<?>> argTensors, String prefix) {
      this.function = function;
      List<OpDef.ArgDef> inputs = function.getSignature().getInputArgList();
      for (int i = 0; i < inputs.size(); i++) {
        args.put(inputs.get(i).getName(), argTensors.get(i));
      }
      for (NodeDef node : function.getNodeDefList()) {
        nodes.put(node.getName(), node);
      }
      this.scope = graph.baseScope().withSubScope(prefix);
    }

    boolean isArgument(String ref) {
      return args.containsKey(ref);
    }

    Output<?> identity(Output<?> value, String name) {
      return scope
          .opBuilder("Identity", sanitize(name) + "_passthrough")
          .addInput(value)
          .build()
          .output(0);
    }

    /** Resolves a body reference: {@code arg}, {@code node:out_arg:idx} or {@code node}. */
    Output<?> resolve(String ref) {
      if (args.containsKey(ref)) {
        return args.get(ref);
      }
      String[] parts = ref.split(":");
      if (parts.length == 2 && args.containsKey(parts[0])) {
        // An element of a list argument; concrete functions give each element its own arg.
        throw new ModelLoadException("list arguments are not supported: " + ref);
      }
      List<Output<?>> outputs = build(parts[0]);
      if (parts.length == 1) {
        return outputs.get(0);
      }
      NodeDef node = nodes.get(parts[0]);
      int index = parts.length == 3 ? Integer.parseInt(parts[2]) : 0;
      return outputs.get(flatOutputIndex(node, parts[1], index));
    }

    private int flatOutputIndex(NodeDef node, String outArg, int index) {
      if (isCallNode(node)) {
        // A call op has one list output named "output" whose elements are the function's results.
        return index;
      }
      OpDef def = opDef(node);
      GraphOperation op = ops.get(node.getName());
      int offset = 0;
      for (OpDef.ArgDef arg : def.getOutputArgList()) {
        if (arg.getName().equals(outArg)) {
          return offset + index;
        }
        offset += isList(arg) ? op.outputListLength(arg.getName()) : 1;
      }
      throw new ModelLoadException(
          "op " + node.getOp() + " has no output " + outArg + " (node " + node.getName() + ")");
    }

    private List<Output<?>> build(String nodeName) {
      List<Output<?>> done = built.get(nodeName);
      if (done != null) {
        return done;
      }
      NodeDef node = nodes.get(nodeName);
      if (node == null) {
        throw new ModelLoadException(
            "function " + function.getSignature().getName() + " has no node " + nodeName);
      }
      List<Output<?>> dataInputs = new ArrayList<>();
      List<GraphOperation> controlInputs = new ArrayList<>();
      for (String input : node.getInputList()) {
        if (input.startsWith("^")) {
          String dependency = input.substring(1);
          if (!args.containsKey(dependency)) {
            build(dependency);
            // A dependency on an inlined call has no single op; its effects are already ordered
            // by the data edges of the rebuilt body.
            GraphOperation target = ops.get(dependency);
            if (target != null) {
              controlInputs.add(target);
            }
          }
        } else {
          dataInputs.add(resolve(input));
        }
      }
      List<Output<?>> outputs =
          isCallNode(node)
              ? inlineFunction(calledFunction(node), dataInputs, node.getName())
              : buildOp(node, dataInputs, controlInputs);
      built.put(nodeName, outputs);
      if (!outputs.isEmpty()) {
        namedTensors.putIfAbsent(node.getName(), outputs.get(0));
      }
      namedInputs.putIfAbsent(node.getName(), List.copyOf(dataInputs));
      return outputs;
    }

    private List<Output<?>> buildOp(
        NodeDef node, List<Output<?>> inputs, List<GraphOperation> controlInputs) {
      GraphOperation op =
          rewriteConv2d && Conv2dRewrite.needed(node)
              ? Conv2dRewrite.build(
                  scope,
                  sanitize(node.getName()),
                  node,
                  inputs.get(0),
                  inputs.get(1),
                  controlInputs)
              : buildAsDefined(node, inputs, controlInputs);
      ops.put(node.getName(), op);
      List<Output<?>> outputs = new ArrayList<>();
      for (int i = 0; i < op.numOutputs(); i++) {
        outputs.add(op.output(i));
      }
      return outputs;
    }

    private GraphOperation buildAsDefined(
        NodeDef node, List<Output<?>> inputs, List<GraphOperation> controlInputs) {
      OpDef def = opDef(node);
      OperationBuilder builder = scope.opBuilder(node.getOp(), sanitize(node.getName()));
      int next = 0;
      for (OpDef.ArgDef arg : def.getInputArgList()) {
        if (isList(arg)) {
          int length = listLength(node, arg);
          builder.addInputList(inputs.subList(next, next + length).toArray(new Output<?>[0]));
          next += length;
        } else {
          builder.addInput(inputs.get(next++));
        }
      }
      for (GraphOperation control : controlInputs) {
        builder.addControlInput(control);
      }
      for (Map.Entry<String, AttrValue> attr : node.getAttrMap().entrySet()) {
        // Underscore attributes are runtime annotations (device pins, shape hints), not op attrs.
        if (!attr.getKey().startsWith("_")) {
          builder.setAttr(attr.getKey(), attr.getValue());
        }
      }
      return (GraphOperation) builder.build();
    }

    private boolean isCallNode(NodeDef node) {
      return node.getOp().equals(CALL)
          || node.getOp().equals(STATEFUL_CALL)
          || library.containsKey(node.getOp());
    }

    private String calledFunction(NodeDef node) {
      if (library.containsKey(node.getOp())) {
        return node.getOp();
      }
      return node.getAttrOrThrow("f").getFunc().getName();
    }

    private OpDef opDef(NodeDef node) {
      OpDef def = registry.op(node.getOp());
      if (def == null) {
        throw new ModelLoadException(
            "op type " + node.getOp() + " (node " + node.getName() + ") is not registered");
      }
      return def;
    }

    private int listLength(NodeDef node, OpDef.ArgDef arg) {
      if (!arg.getNumberAttr().isEmpty()) {
        return Math.toIntExact(node.getAttrOrThrow(arg.getNumberAttr()).getI());
      }
      return node.getAttrOrThrow(arg.getTypeListAttr()).getList().getTypeCount();
    }
  }

  private static boolean isList(OpDef.ArgDef arg) {
    return !arg.getNumberAttr().isEmpty() || !arg.getTypeListAttr().isEmpty();
  }

  private static String sanitize(String name) {
    return name.replaceAll("[^A-Za-z0-9_.\\-]", "_");
  }
}
