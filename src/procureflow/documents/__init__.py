"""Documents: conversion, PDF operations, signing, extraction, e-invoices."""
