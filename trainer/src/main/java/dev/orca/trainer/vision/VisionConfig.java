package dev.orca.trainer.vision;

import java.util.Arrays;

/**
 * The shape of a vision transformer body, read from its Hugging Face {@code config.json}. ViT has one stage
 * ({@code depths = [layers]}, {@code heads = [heads]}); Swin has several, each doubling the width.
 *
 * @param family       ViT or Swin
 * @param imageSize    input resolution (square)
 * @param patchSize    patch side (the patch-embedding conv's kernel and stride)
 * @param channels     input channels of the pretrained patch embedding
 * @param width        token width of the first stage (ViT hidden_size, Swin embed_dim)
 * @param depths       blocks per stage
 * @param heads        attention heads per stage
 * @param windowSize   Swin window side (0 for ViT)
 * @param mlpRatio     feed-forward width over token width
 * @param layerNormEps LayerNorm epsilon
 */
public record VisionConfig(Family family, int imageSize, int patchSize, int channels, int width, int[] depths, int[] heads,
                           int windowSize, double mlpRatio, float layerNormEps) {

    public enum Family { VIT, SWIN }

    public VisionConfig {
        positive("image_size", imageSize);
        positive("patch_size", patchSize);
        positive("num_channels", channels);
        positive(family == Family.SWIN ? "embed_dim" : "hidden_size", width);
        if (depths.length == 0 || depths.length != heads.length) {
            throw new IllegalArgumentException("depths " + Arrays.toString(depths) + " and num_heads " + Arrays.toString(heads)
                    + " must be non-empty and of equal length");
        }
        if (imageSize % patchSize != 0) {
            throw new IllegalArgumentException("image_size " + imageSize + " is not a multiple of patch_size " + patchSize);
        }
        for (int s = 0; s < depths.length; s++) {
            positive("depths[" + s + "]", depths[s]);
            positive("num_heads[" + s + "]", heads[s]);
            int stageWidth = family == Family.SWIN ? width << s : width;
            if (stageWidth % heads[s] != 0) {
                throw new IllegalArgumentException("stage " + s + " width " + stageWidth + " is not divisible by its "
                        + heads[s] + " attention heads");
            }
        }
        if (family == Family.SWIN) {
            positive("window_size", windowSize);
            int side = imageSize / patchSize;
            if (windowSize > side) {
                throw new IllegalArgumentException("window_size " + windowSize + " is larger than the " + side + "x" + side
                        + " feature map (image_size / patch_size)");
            }
            for (int s = 0; s < depths.length; s++) {
                int res = side >> s; // the record's fields are not assigned yet inside this constructor
                int window = Math.min(windowSize, res);
                if (res % window != 0) {
                    throw new IllegalArgumentException("stage " + s + " feature map " + res + "x" + res
                            + " is not a multiple of window_size " + window);
                }
                if (s < depths.length - 1 && res % 2 != 0) {
                    throw new IllegalArgumentException("stage " + s + " feature map " + res + "x" + res + " cannot be merged 2x2");
                }
            }
        }
        if (!(layerNormEps > 0)) {
            throw new IllegalArgumentException("layer_norm_eps must be > 0, got " + layerNormEps);
        }
    }

    private static void positive(String field, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(field + " must be > 0, got " + value);
        }
    }

    /** Token width of stage {@code s}: Swin doubles it at every merge. */
    public int stageWidth(int s) {
        return family == Family.SWIN ? width << s : width;
    }

    /** Side of stage {@code s}'s token grid. */
    public int stageSide(int s) {
        return (imageSize / patchSize) >> (family == Family.SWIN ? s : 0);
    }

    /** Tokens the patch embedding produces (without ViT's class token). */
    public int patches() {
        int side = imageSize / patchSize;
        return side * side;
    }

    public int outputWidth() {
        return stageWidth(depths.length - 1);
    }

    @Override
    public String toString() {
        return family + "(image " + imageSize + ", patch " + patchSize + ", width " + width + ", depths " + Arrays.toString(depths)
                + ", heads " + Arrays.toString(heads) + (family == Family.SWIN ? ", window " + windowSize : "") + ")";
    }
}
