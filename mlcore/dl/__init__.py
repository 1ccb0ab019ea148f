"""mlcore.dl: models, losses, trainer, uncertainty, postprocessing and baseline bundles (needs torch).

Entry points: `config.load_config`, `trainer.train`, `bundle.load_bundle` / `predict_bundle` /
`verify_bundle`, `publish.publish`. Submodules are imported on use, so ``import mlcore.dl`` stays cheap.
"""
