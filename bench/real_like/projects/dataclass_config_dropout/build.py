import torch

from config import RecognizerConfig
from recognizer import WordRecognizer

ISSUE = 12
CAPABILITY = "config objects"
EFFECT = "dropout_warning"


def build():
    torch.manual_seed(0)
    return WordRecognizer(RecognizerConfig()), (torch.randn(3, 10, 20),)
