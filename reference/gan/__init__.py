"""GANs: noise, a small DCGAN for 8x8 digits, its losses and one training step with two tapes."""
