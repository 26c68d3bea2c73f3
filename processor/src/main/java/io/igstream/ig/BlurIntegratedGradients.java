package io.igstream.ig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Blur IG engine (Xu et al., "Attribution in Scale and Space", CVPR 2020): integrates the
 * gradient along the path of Gaussian blurs of the input, from the most blurred image (sigma =
 * max_sigma) to the input itself (sigma 0).
 *
 * <p>With x(s) the input blurred at sigma s and sigma_0 = 0 < ... < sigma_steps = max_sigma, the
 * attribution is {@code -sum_i (sigma_{i+1} - sigma_i) grad F(x(sigma_i)) * (x(sigma_i + h) -
 * x(sigma_i)) / h}: a left Riemann sum in sigma of the path integral from max_sigma down to 0
 * (hence the minus: the path runs towards smaller sigma), with the derivative along the path taken
 * as a forward difference of step h = grad_step, as PAIR saliency's BlurIG does. It sums to F(x) -
 * F(x(max_sigma)) up to that discretisation. Baselines are not used: the blurred image is the
 * baseline.
 *
 * <p>Batched like plain IG: step i of every (event, target) goes through the model together, so a
 * batch costs {@code steps} gradient runs whatever its size (more when a step's rows exceed {@code
 * maxRowsPerRun}), and each event's result depends only on itself.
 */
public final class BlurIntegratedGradients implements ExplainMethod {

  private final DifferentiableModel model;
  private final OutputKind outputKind;
  private final BlurOptions options;
  private final List<AttributedTensor> tensors;
  private final List<ImageShape> shapes;

  /**
   * @throws IllegalArgumentException naming the input when an attributed tensor is not an image
   */
  public BlurIntegratedGradients(
      DifferentiableModel model, OutputKind outputKind, BlurOptions options) {
    this.model = model;
    this.outputKind = outputKind;
    this.options = options;
    this.tensors = model.attributedTensors();
    this.shapes = tensors.stream().map(ImageShape::of).toList();
  }

  public BlurOptions options() {
    return options;
  }

  @Override
  public List<List<Attribution>> explain(List<ExplainRequest> requests) {
    List<double[]> originals = new ArrayList<>();
    for (ExplainRequest request : requests) {
      originals.add(flatten(request));
    }
    // The baseline is the input blurred at the largest sigma.
    List<List<Map<String, DenseArray>>> baselines = new ArrayList<>();
    for (int r = 0; r < requests.size(); r++) {
      baselines.add(
          List.of(withImages(requests.get(r), blurred(originals.get(r), options.maxSigma()))));
    }
    List<GradientRuns.Evaluated> evaluated =
        GradientRuns.evaluate(
            model,
            requests.stream().map(ExplainRequest::inputs).toList(),
            baselines,
            options.maxRowsPerRun());

    List<Job> jobs = new ArrayList<>();
    List<List<Job>> byRequest = new ArrayList<>();
    for (int r = 0; r < requests.size(); r++) {
      ExplainRequest request = requests.get(r);
      Evaluation atInput = evaluated.get(r).atInput();
      List<Job> own = new ArrayList<>();
      for (ResolvedTarget target :
          Targets.resolve(outputKind, atInput.output(), request.target())) {
        Job job =
            new Job(
                r,
                request,
                atInput,
                evaluated.get(r).atBaselines().get(0),
                target,
                new double[originals.get(r).length]);
        own.add(job);
        jobs.add(job);
      }
      byRequest.add(own);
    }

    GradientRuns runs = new GradientRuns(model, tensors, options.maxRowsPerRun());
    double h = options.gradStep();
    for (int step = 0; step < options.steps(); step++) {
      double sigma = options.sigma(step);
      double weight = options.sigma(step + 1) - sigma;
      // One step's blurred images and path derivatives for the batch: memory is one step's worth.
      List<double[]> points = new ArrayList<>(requests.size());
      List<double[]> derivatives = new ArrayList<>(requests.size());
      for (double[] original : originals) {
        double[] point = blurred(original, sigma);
        double[] ahead = blurred(original, sigma + h);
        for (int i = 0; i < ahead.length; i++) {
          ahead[i] = (ahead[i] - point[i]) / h;
        }
        points.add(point);
        derivatives.add(ahead);
      }
      List<GradientRuns.Point> specs =
          jobs.stream()
              .map(
                  job ->
                      new GradientRuns.Point(
                          points.get(job.index), job.request.inputs(), job.target.upstream()))
              .toList();
      runs.at(
          specs,
          (gradient, k) -> {
            Job job = jobs.get(k);
            double[] derivative = derivatives.get(job.index);
            for (int i = 0; i < gradient.length; i++) {
              job.sum[i] -= weight * gradient[i] * derivative[i];
            }
          });
    }

    List<List<Attribution>> results = new ArrayList<>();
    for (List<Job> own : byRequest) {
      results.add(own.stream().map(this::result).toList());
    }
    return results;
  }

  /** The attributed images of a request, flat in the tensors' order. */
  private double[] flatten(ExplainRequest request) {
    int size = shapes.stream().mapToInt(ImageShape::size).sum();
    double[] out = new double[size];
    int offset = 0;
    for (AttributedTensor tensor : tensors) {
      DenseArray value = request.inputs().get(tensor.name());
      // The path blurs the input image itself; an inner tensor (a layer's output) has no such path.
      if (value == null || value.size() != tensor.size()) {
        throw new IllegalArgumentException(
            "blur_ig blurs input images: '"
                + tensor.name()
                + "' is attributed at an inner layer or missing from the event");
      }
      System.arraycopy(value.values(), 0, out, offset, value.size());
      offset += value.size();
    }
    return out;
  }

  private double[] blurred(double[] flat, double sigma) {
    double[] out = new double[flat.length];
    int offset = 0;
    for (ImageShape shape : shapes) {
      double[] image = new double[shape.size()];
      System.arraycopy(flat, offset, image, 0, image.length);
      System.arraycopy(GaussianBlur.blur(image, shape, sigma), 0, out, offset, image.length);
      offset += image.length;
    }
    return out;
  }

  /** The request's inputs with the attributed images replaced by {@code flat}. */
  private Map<String, DenseArray> withImages(ExplainRequest request, double[] flat) {
    Map<String, DenseArray> out = new LinkedHashMap<>(request.inputs());
    int offset = 0;
    for (AttributedTensor tensor : tensors) {
      double[] part = new double[tensor.size()];
      System.arraycopy(flat, offset, part, 0, part.length);
      offset += part.length;
      out.put(tensor.name(), new DenseArray(request.inputs().get(tensor.name()).shape(), part));
    }
    return out;
  }

  private Attribution result(Job job) {
    Map<String, DenseArray> attributions = new LinkedHashMap<>();
    double total = 0;
    int offset = 0;
    for (AttributedTensor tensor : tensors) {
      double[] part = new double[tensor.size()];
      System.arraycopy(job.sum, offset, part, 0, part.length);
      offset += part.length;
      for (double v : part) {
        total += v;
      }
      attributions.put(tensor.name(), new DenseArray(tensor.rowShape().clone(), part));
    }
    double fx = job.target.select(job.atInput.output());
    double fb = job.target.select(job.atBlurred.output());
    // A path method: completeness against the most blurred image, up to the sum's discretisation.
    double delta = total - (fx - fb);
    return new Attribution(
        job.target.index(),
        fx,
        fb,
        attributions,
        total,
        delta,
        IntegratedGradients.approximationError(delta, fx - fb),
        null,
        options.steps(),
        null,
        Attribution.BLUR_IG,
        job.target.description());
  }

  /** One (event, target) and its running attribution sum. */
  private record Job(
      int index,
      ExplainRequest request,
      Evaluation atInput,
      Evaluation atBlurred,
      ResolvedTarget target,
      double[] sum) {}
}
