"""Autoencoders: dense, convolutional, denoising, anomaly detection and greedy pretraining."""
