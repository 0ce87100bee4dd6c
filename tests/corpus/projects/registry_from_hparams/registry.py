MODELS = {}


def register(name):
    def add(cls):
        MODELS[name] = cls
        return cls
    return add


def create(name, hparams):
    return MODELS[name].from_hparams(hparams)
